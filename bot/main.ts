// The composition root: config -> database (embedded when unset) -> demo season -> job queue -> HTTP -> graceful shutdown.
import type { Server } from 'node:http';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { loadWorkflow } from '../src/workflow/load.ts';
import { loadDemoSeason } from '../src/demo/season.ts';
import { named, startWorker } from '../src/queue/worker.ts';
import { openDatabase } from './database.ts';
import { createServer, handlerDeps } from './server.ts';
import { ConsoleInbox } from './console/inbox.ts';
import { createFeishu } from './feishu/index.ts';
import { createScheduler } from './scheduler.ts';
import { jobContext } from './jobs-context.ts';
import { jobs } from '../handlers/index.ts';
import { createWecom } from './wecom/index.ts';
import { resolveWecomIds } from './wecom/resolve-ids.ts';
import { resolveFeishuIds } from './feishu/resolve-ids.ts';
import { notifyListener, studentNoticeTask } from './delivery/notify.ts';
import { STUDENT_NOTICE_TASK } from '../src/delivery/notice-queue.ts';
import { consoleWanted } from './console/wanted.ts';

const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const bootLog = createLogger(process.env.LOG_LEVEL ?? 'info');
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    bootLog.fatal((e as Error).message);
    process.exit(1);
  }
  const log = createLogger(config.logLevel);
  const wf = loadWorkflow(config.workflowPath);
  const unknownSteps = [...new Set(config.apiTokens.values())].filter((k) => !wf.steps.some((s) => s.key === k));
  if (unknownSteps.length) {
    log.fatal(
      `LIXIAO_API_TOKENS names steps the workflow does not have: ${unknownSteps.join(', ')} (steps: ${wf.steps.map((s) => s.key).join(', ')})`,
    );
    process.exit(1);
  }
  const db = await openDatabase(config, log);

  if (db.embedded) {
    const em = db.orm.em.fork();
    const [row] = await em.execute<{ n: string }[]>('select count(*) as n from student');
    if (Number(row?.n) === 0) {
      const { students } = await loadDemoSeason(em, wf);
      log.info({ students }, 'empty embedded database: demo season loaded');
    }
  }

  const inbox = consoleWanted(config, log) ? new ConsoleInbox() : undefined;
  const hd = handlerDeps({ orm: db.orm, wf, config, log }, Boolean(inbox));
  const feishu = config.feishu && createFeishu(config.feishu, hd, log, undefined, config.copyWindowSec);
  const wecom = config.wecom && createWecom(config.wecom, hd, log);
  const deps = { orm: db.orm, wf, config, log, inbox, feishu, wecom };
  const listeners = [
    named('notify', notifyListener(hd, hd.platforms, config.noticeWindowSec)),
    ...(feishu?.listeners.map((l) => named('feishu-copies', l)) ?? []),
    ...(wecom?.listeners.map((l) => named('wecom-copies', l)) ?? []),
    ...(feishu && feishu.approval ? [named('feishu-approval', feishu.approval.listener)] : []),
  ];
  const senders = {
    ...(inbox ? { console: inbox.sender() } : {}),
    ...(feishu ? { feishu: feishu.sender } : {}),
    ...(wecom ? { wecom: wecom.sender } : {}),
  };
  const worker = await startWorker({
    connectionString: db.url,
    log,
    listeners,
    senders,
    tasks: {
      [STUDENT_NOTICE_TASK]: studentNoticeTask(hd, hd.platforms),
      ...feishu?.tasks,
      ...feishu?.approval?.tasks,
    },
    interactiveTasks: Object.keys(feishu?.tasks ?? {}),
  });
  const longConnection = feishu?.start();
  const scheduler = config.scheduler
    ? createScheduler({
        jobs,
        timeZone: config.timezone,
        overrides: config.schedule,
        quietHours: config.quietHours,
        context: (now) => jobContext(db.orm, wf, config, hd, now),
        log,
      })
    : undefined;
  // A slot missed while every instance was down (a restart at 09:05) is run once now; its claim keeps it once.
  void scheduler?.catchUp(new Date());
  if (wecom)
    void resolveWecomIds(db.orm, wecom.api, log).catch((e) =>
      log.warn({ err: e }, 'wecom userid lookup failed; people without a userid are not reached until it succeeds'),
    );
  if (feishu)
    void resolveFeishuIds(db.orm, feishu.api, log).catch((e) =>
      log.warn({ err: e }, 'feishu id lookup failed; people without open_id are not reached until it succeeds'),
    );
  const app = createServer(deps);
  const server: Server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const platforms = [
    inbox && 'console',
    config.feishu && 'feishu',
    config.wecom && 'wecom',
    config.apiTokens.size && 'api',
  ].filter(Boolean);
  log.info(
    {
      url: `http://${config.host}:${config.port}`,
      publicUrl: config.publicUrl,
      embedded: db.embedded,
      platforms,
      workflow: wf.name,
    },
    'lixiao is listening',
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: no new requests, finishing those in flight');
    const forced = setTimeout(() => {
      log.warn('in-flight requests did not finish in time; closing them');
      server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS).unref();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    clearTimeout(forced);
    longConnection?.close();
    await scheduler?.stop();
    await worker.stop();
    await db.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((e) => {
  createLogger('fatal').fatal({ err: e }, (e as Error).message);
  process.exit(1);
});
