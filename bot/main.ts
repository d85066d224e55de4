// The composition root: config -> database (embedded when unset) -> demo season -> job queue -> HTTP -> graceful shutdown.
import type { Server } from 'node:http';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { loadWorkflow } from '../src/workflow/load.ts';
import { loadDemoSeason } from '../src/demo/season.ts';
import { startWorker } from '../src/queue/worker.ts';
import type { EntityManager } from '@mikro-orm/postgresql';
import { openDatabase } from './database.ts';
import { createServer, handlerDeps } from './server.ts';
import { ConsoleInbox } from './console/inbox.ts';
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
  const db = await openDatabase(config, log);

  if (db.embedded) {
    const em = db.orm.em.fork() as EntityManager;
    const [row] = await em.execute<{ n: string }[]>('select count(*) as n from student');
    if (Number(row?.n) === 0) {
      const { students } = await loadDemoSeason(em, wf);
      log.info({ students }, 'empty embedded database: demo season loaded');
    }
  }

  const inbox = consoleWanted(config, log) ? new ConsoleInbox() : undefined;
  const deps = { orm: db.orm, wf, config, log, inbox };
  const worker = await startWorker({ connectionString: db.url, log, listeners: inbox ? [inbox.listener(handlerDeps(deps))] : [] });
  const app = createServer(deps);
  const server: Server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const platforms = [inbox && 'console', config.feishu && 'feishu', config.wecom && 'wecom', config.apiTokens.size && 'api'].filter(Boolean);
  log.info({ url: `http://${config.host}:${config.port}`, publicUrl: config.publicUrl, embedded: db.embedded, platforms, workflow: wf.name }, 'lixiao is listening');

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
