// createServer(deps): the Koa app with health, readiness and the integration API; no listen (tests call app.callback()).
import Koa from 'koa';
import Router from '@koa/router';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../src/config.ts';
import type { Logger } from '../src/log.ts';
import type { Workflow } from '../src/workflow/schema.ts';
import { migrationsApplied } from '../src/db/orm.ts';
import type { DeliveryPlatform } from '../src/delivery/deliver.ts';
import { requestContext, type RequestState } from './http/request-context.ts';
import { decisionsRoute } from './api/decisions-route.ts';
import { supervisorFormRoute } from './forms/supervisor-form.ts';
import { consoleRoutes } from './console/routes.ts';
import type { ConsoleInbox } from './console/inbox.ts';
import { feishuWebhookRoute } from './feishu/route.ts';
import type { Feishu } from './feishu/index.ts';
import { wecomCallbackRoute } from './wecom/route.ts';
import type { Wecom } from './wecom/index.ts';
import { CountMemo } from '../src/reports/count-memo.ts';
import { Signer } from '../src/certificates/signing-keys.ts';
import { certificateRoutes } from './certificates/routes.ts';
import { metricsRoute } from './http/metrics-route.ts';

export interface ServerDeps {
  orm: MikroORM;
  wf: Workflow;
  config: Config;
  log: Logger;
  /** present when the local web console is on */
  inbox?: ConsoleInbox;
  /** present when Feishu is configured */
  feishu?: Feishu;
  /** present when WeCom is configured */
  wecom?: Wecom;
  /** the pending-count memo: the process's own unless a test passes one to keep its counts apart */
  counts?: CountMemo;
}

/** Where people can be reached in this deployment: the chat platforms configured, and the console when it is on. */
export function platformsOf(config: Config, consoleOn: boolean): DeliveryPlatform[] {
  return [
    ...(consoleOn ? (['console'] as const) : []),
    ...(config.feishu ? (['feishu'] as const) : []),
    ...(config.wecom ? (['wecom'] as const) : []),
  ];
}

/** One memo per process: main, the console's routes and the CLI all count through it, so a pass shows everywhere. */
const processCounts = new CountMemo();

/** What handlers need, from the server's dependencies. */
export function handlerDeps(deps: Omit<ServerDeps, 'feishu' | 'wecom'>, consoleOn = Boolean(deps.inbox)) {
  return {
    orm: deps.orm,
    wf: deps.wf,
    timeZone: deps.config.timezone,
    publicUrl: deps.config.publicUrl,
    platforms: platformsOf(deps.config, consoleOn),
    counts: deps.counts ?? processCounts,
    quietHours: deps.config.quietHours,
    signer: new Signer(deps.config.signing, deps.log),
  };
}

export function createServer(deps: ServerDeps): Koa<RequestState> {
  const app = new Koa<RequestState>({ proxy: false });
  const router = new Router<RequestState>();
  let migrated = false; // once applied, migrations stay applied for this process's lifetime

  router.get('/healthz', (ctx) => {
    ctx.body = { ok: true };
  });
  router.get('/readyz', async (ctx) => {
    try {
      await deps.orm.em.fork().getConnection().execute('select 1');
      migrated ||= await migrationsApplied(deps.orm);
      ctx.status = migrated ? 200 : 503;
      ctx.body = migrated ? { ready: true } : { ready: false, reason: 'migrations pending' };
    } catch (e) {
      deps.log.warn({ err: e }, 'readiness check failed');
      ctx.status = 503;
      ctx.body = { ready: false, reason: 'database unreachable' };
    }
  });
  router.get('/', (ctx) => {
    if (deps.inbox) return ctx.redirect('/console');
    ctx.body = { service: 'lixiao', workflow: deps.wf.name, health: '/healthz', ready: '/readyz' };
  });
  decisionsRoute(router, deps);
  metricsRoute(router, deps);
  supervisorFormRoute(router, { orm: deps.orm, university: deps.wf.university || deps.wf.name });
  certificateRoutes(router, deps);
  if (deps.inbox) consoleRoutes(router, handlerDeps(deps), deps.inbox);
  if (deps.feishu) feishuWebhookRoute(router, { log: deps.log, ...deps.feishu });
  deps.feishu?.approval?.routes(router);
  if (deps.wecom) wecomCallbackRoute(router, { log: deps.log, secrets: deps.wecom.secrets, handle: deps.wecom.handle });

  app.use(requestContext(deps.log));
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
