// Runs the outbound job queue (graphile-worker): retries with exponential backoff, one job at a time per key.
import pg from 'pg';
import {
  Logger as WorkerLogger,
  run,
  runMigrations,
  runOnce,
  type Runner,
  type RunnerOptions,
  type Task,
  type TaskList,
} from 'graphile-worker';
import { drainChanges, startChangeDrain } from './drain-changes.ts';
import type { Logger } from '../log.ts';
import { JOB, type ClearanceChange, type SendCardJob } from './enqueue.ts';
import { giveBack } from './give-back.ts';
import { GIVE_BACK_AFTER_MS, QuotaWait } from '../delivery/quota-wait.ts';

/** What a platform plugs in to act on a change (send a notice, patch a card). Must be idempotent. */
export type ChangeListener = (payload: {
  changes: ClearanceChange[];
  cause: string;
  jobKey: string | null;
}) => Promise<void>;

/** A listener with a stable name, so that its completion is remembered across retries of a change job. */
export type NamedListener = ChangeListener & { listenerName?: string };

export function named(name: string, listener: ChangeListener): NamedListener {
  return Object.assign(listener, { listenerName: name });
}

/**
 * A platform's delivery of one card; throws to have the queue retry it with backoff. With `maxWaitMs` it throws a
 * QuotaWait instead of waiting longer than that for the platform's budget, and sends nothing.
 */
export type CardSender = (job: SendCardJob, opts?: { maxWaitMs?: number }) => Promise<void>;

/** graphile-worker's log lines, through our structured logger. */
export function workerLogger(log: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const name: string = level; // graphile's LogLevel is a const enum of these strings
    const fn = name === 'error' ? log.error : name === 'warning' ? log.warn : log.debug;
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
  /** further tasks by name (the coalesced student notices, the Feishu approval center's pushes) */
  tasks?: TaskList;
  /**
   * Tasks that also get workers of their own (`interactiveConcurrency`), which run nothing else: a backlog of notices
   * waiting for the platform's quota then never holds every worker while someone waits for an answer.
   */
  interactiveTasks?: string[];
  interactiveConcurrency?: number;
  concurrency?: number;
}

export function taskList(
  listeners: ChangeListener[],
  senders: Record<string, CardSender> = {},
  tasks: TaskList = {},
): TaskList {
  const clearanceChanged: Task = async (payload, helpers) => {
    const p = payload as { changes: ClearanceChange[]; cause: string };
    // Each listener runs at most once per change set: a retry (a card update failed) must not notify the students
    // again once the platforms' own dedupe windows (Feishu 1 h, WeCom 30 min) have passed.
    const done = `changes:${helpers.job.key ?? helpers.job.id}`;
    let failed: Error | undefined;
    for (const [i, listener] of listeners.entries()) {
      const name = `listener:${(listener as NamedListener).listenerName ?? i}`;
      const seen = await helpers.withPgClient((c) =>
        c.query('select 1 from cron_run where job = $1 and slot = $2', [name, done]),
      );
      if (seen.rowCount) continue;
      try {
        await listener({ ...p, jobKey: helpers.job.key ?? null });
        await helpers.withPgClient((c) =>
          c.query("insert into cron_run (job, slot, claimed_by) values ($1, $2, 'worker') on conflict do nothing", [
            name,
            done,
          ]),
        );
      } catch (e) {
        helpers.logger.error(`${name} failed: ${(e as Error).message}`);
        failed ??= e as Error;
      }
    }
    if (failed) throw failed;
  };
  const sendCard: Task = async (payload, helpers) => {
    const job = payload as SendCardJob;
    const sender = senders[job.platform];
    if (!sender) return helpers.logger.warn(`no sender for platform ${job.platform}; card dropped`);
    // A notice whose budget is spent (a member's minute) goes back to the queue for when it has room, so the worker
    // serves other people's sends meanwhile. Only a keyed job: its key is what keeps it to one send (give-back.ts).
    // What someone waits for right now (`interactive`) waits in the worker, on workers kept for it.
    const mayGiveBack = job.lane !== 'interactive' && helpers.job.key !== null;
    try {
      await sender(job, mayGiveBack ? { maxWaitMs: GIVE_BACK_AFTER_MS } : undefined);
    } catch (e) {
      if (!(e instanceof QuotaWait) || !mayGiveBack) throw e;
      await giveBack(helpers, e.waitMs);
    }
  };
  return { ...tasks, [JOB.clearanceChanged]: clearanceChanged, [JOB.sendCard]: sendCard, [JOB.sendCardNow]: sendCard };
}

export async function startWorker(opts: QueueOptions): Promise<{ runner: Runner; stop: () => Promise<void> }> {
  // Our own pool, so a dropped connection (database restart) is logged instead of crashing the process.
  // READ COMMITTED whatever the role's default: the queue's SKIP LOCKED claims and completions assume it, and under a
  // serializable default two runners claiming at once fail to serialize instead of skipping each other's jobs.
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    options: '-c default_transaction_isolation=read\\ committed',
    max: (opts.concurrency ?? 4) + (opts.interactiveConcurrency ?? 2) + 3,
    connectionTimeoutMillis: 5000,
    keepAlive: true,
  });
  const lost = (e: Error) => opts.log.warn({ error: e.message }, 'job queue connection lost; it reconnects');
  pool.on('error', lost);
  pool.on('connect', (client) => client.on('error', lost));
  const runner = await run({
    pgPool: pool,
    concurrency: opts.concurrency ?? 4,
    noHandleSignals: true,
    logger: workerLogger(opts.log),
    pollInterval: 2000,
    taskList: taskList(opts.listeners, opts.senders, opts.tasks),
  });
  const all = taskList(opts.listeners, opts.senders, opts.tasks);
  const reserved = [JOB.sendCardNow, ...(opts.interactiveTasks ?? [])].filter((name) => all[name]);
  const interactive = await run({
    pgPool: pool,
    concurrency: opts.interactiveConcurrency ?? 2,
    noHandleSignals: true,
    logger: workerLogger(opts.log),
    pollInterval: 2000,
    taskList: Object.fromEntries(reserved.map((name) => [name, all[name]!])),
  });
  const drain = startChangeDrain(pool, opts.log);
  return {
    runner,
    stop: async () => {
      await drain.stop();
      await interactive.stop();
      await runner.stop();
      await pool.end();
    },
  };
}

/** Everything queued so far, once: recorded changes become jobs, then every job due runs (tests, one-off runs). */
export async function runQueueOnce(opts: RunnerOptions & { connectionString: string }): Promise<void> {
  const { connectionString, ...rest } = opts;
  const pool = new pg.Pool({
    connectionString,
    max: 4,
    options: '-c default_transaction_isolation=read\\ committed',
  });
  // An idle connection the server ends (a restart, a dropped database) is replaced on the next checkout: not an error
  // of the run, and unhandled it would end the process.
  pool.on('error', () => undefined);
  try {
    await drainChanges(pool);
    await runOnce({ ...rest, pgPool: pool });
    // graphile-worker may still be recording the last job's completion when runOnce resolves: the pool ends only
    // once nothing holds or waits for a connection (bounded, so a stuck client cannot hold the caller forever).
    for (let i = 0; i < 200; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      if (pool.idleCount === pool.totalCount && pool.waitingCount === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } finally {
    await pool.end();
  }
}
