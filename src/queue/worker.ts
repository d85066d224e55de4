// Runs the outbound job queue (graphile-worker): retries with exponential backoff, one job at a time per key.
import pg from 'pg';
import { Logger as WorkerLogger, run, runMigrations, type Runner, type Task, type TaskList } from 'graphile-worker';
import type { Logger } from '../log.ts';
import { JOB, type ClearanceChange, type SendCardJob } from './enqueue.ts';

/** What a platform plugs in to act on a change (send a notice, patch a card). Must be idempotent. */
export type ChangeListener = (payload: { changes: ClearanceChange[]; cause: string; jobKey: string | null }) => Promise<void>;

/** A platform's delivery of one card; throws to have the queue retry it with backoff. */
export type CardSender = (job: SendCardJob) => Promise<void>;

/** graphile-worker's log lines, through our structured logger. */
export function workerLogger(log: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const fn = level === 'error' ? log.error : level === 'warning' ? log.warn : log.debug;
    // meta may hold whole pg clients: keep only what helps a reader
    const err = (meta as { error?: { message?: string; code?: string } } | undefined)?.error;
    fn.call(log, { queue: scope.label ?? 'worker', ...(err ? { error: err.message, code: err.code } : {}) }, message);
  });
}

export async function migrateQueue(connectionString: string, log: Logger): Promise<void> {
  await runMigrations({ connectionString, logger: workerLogger(log) });
}

export interface QueueOptions {
  connectionString: string;
  log: Logger;
  listeners: ChangeListener[];
  senders?: Record<string, CardSender>;
  concurrency?: number;
}

export function taskList(listeners: ChangeListener[], senders: Record<string, CardSender> = {}): TaskList {
  const clearanceChanged: Task = async (payload, helpers) => {
    const p = payload as { changes: ClearanceChange[]; cause: string };
    for (const listener of listeners) await listener({ ...p, jobKey: helpers.job.key ?? null });
  };
  const sendCard: Task = async (payload, helpers) => {
    const job = payload as SendCardJob;
    const sender = senders[job.platform];
    if (!sender) return helpers.logger.warn(`no sender for platform ${job.platform}; card dropped`);
    await sender(job);
  };
  return { [JOB.clearanceChanged]: clearanceChanged, [JOB.sendCard]: sendCard };
}

export async function startWorker(opts: QueueOptions): Promise<{ runner: Runner; stop: () => Promise<void> }> {
  // Our own pool, so a dropped connection (database restart) is logged instead of crashing the process.
  const pool = new pg.Pool({ connectionString: opts.connectionString, max: (opts.concurrency ?? 4) + 2, connectionTimeoutMillis: 5000 });
  const lost = (e: Error) => opts.log.warn({ error: e.message }, 'job queue connection lost; it reconnects');
  pool.on('error', lost);
  pool.on('connect', (client) => client.on('error', lost));
  const runner = await run({
    pgPool: pool,
    concurrency: opts.concurrency ?? 4,
    noHandleSignals: true,
    logger: workerLogger(opts.log),
    pollInterval: 2000,
    taskList: taskList(opts.listeners, opts.senders),
  });
  return {
    runner,
    stop: async () => {
      await runner.stop();
      await pool.end();
    },
  };
}
