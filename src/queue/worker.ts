// Runs the outbound job queue (graphile-worker): retries with exponential backoff, one job at a time per key.
import { Logger as WorkerLogger, run, runMigrations, type Runner, type Task, type TaskList } from 'graphile-worker';
import type { Logger } from '../log.ts';
import { JOB, type ClearanceChange } from './enqueue.ts';

/** What a platform plugs in to act on a change (send a notice, patch a card). Must be idempotent. */
export type ChangeListener = (payload: { changes: ClearanceChange[]; cause: string; jobKey: string | null }) => Promise<void>;

/** graphile-worker's log lines, through our structured logger. */
export function workerLogger(log: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const fn = level === 'error' ? log.error : level === 'warning' ? log.warn : log.debug;
    fn.call(log, { queue: scope, ...meta }, message);
  });
}

export async function migrateQueue(connectionString: string, log: Logger): Promise<void> {
  await runMigrations({ connectionString, logger: workerLogger(log) });
}

export interface QueueOptions {
  connectionString: string;
  log: Logger;
  listeners: ChangeListener[];
  concurrency?: number;
}

export function taskList(listeners: ChangeListener[]): TaskList {
  const clearanceChanged: Task = async (payload, helpers) => {
    const p = payload as { changes: ClearanceChange[]; cause: string };
    for (const listener of listeners) await listener({ ...p, jobKey: helpers.job.key ?? null });
  };
  return { [JOB.clearanceChanged]: clearanceChanged };
}

export async function startWorker(opts: QueueOptions): Promise<Runner> {
  return run({
    connectionString: opts.connectionString,
    concurrency: opts.concurrency ?? 4,
    noHandleSignals: true,
    logger: workerLogger(opts.log),
    pollInterval: 2000,
    taskList: taskList(opts.listeners),
  });
}
