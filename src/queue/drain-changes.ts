// Turns the clearance changes recorded by decisions (change_outbox) into clearance_changed jobs, a batch per job.
import type pg from 'pg';
import type { Logger } from '../log.ts';
import { JOB } from './enqueue.ts';
import { retried } from '../db/retry.ts';

/** Changes per job: the listeners read and notify per change, and one job's retry should not redo too much. */
export const DRAIN_BATCH = 500;

// Deleting the rows and adding their jobs is one statement, so a change is handed over exactly once. SKIP LOCKED lets
// several instances drain side by side. One job per cause in the batch. The job key is the one changeJobKey
// (src/queue/enqueue.ts) gives the same set: clearance:ID:vN for a single change, else a hash of the batch.
const DRAIN = `
with batch as (select id from change_outbox order by id limit $1 for update skip locked),
d as (delete from change_outbox o using batch where o.id = batch.id returning o.clearance_id, o.version, o.cause),
jobs as (
  select graphile_worker.add_job(
           $2::text,
           json_build_object('changes', json_agg(json_build_object('clearanceId', d.clearance_id, 'version', d.version) order by d.clearance_id, d.version), 'cause', d.cause),
           job_key => case when count(*) = 1 then 'clearance:' || min(d.clearance_id) || ':v' || min(d.version)
                      else 'clearances:' || left(encode(sha256(convert_to(string_agg(d.clearance_id || ':' || d.version || ';', '' order by d.clearance_id, d.version), 'UTF8')), 'hex'), 32) end,
           max_attempts => 10, job_key_mode => 'preserve_run_at') as job
    from d group by d.cause
)
select (select count(*) from d)::int as changes, (select count(*) from jobs)::int as jobs`;

type Queryable = Pick<pg.Pool, 'query'>;

/** A drain waiting on a connection that died without closing (a failover) gives up after this; so does shutdown. */
const DRAIN_TIMEOUT_MS = 10_000;

/** Hands over everything recorded so far; returns how many changes became jobs. */
export async function drainChanges(db: Queryable): Promise<number> {
  let total = 0;
  for (;;) {
    // query_timeout per query is node-postgres's (pg/lib/client.js), though @types/pg does not declare it
    // One statement at the connection's default isolation: under SERIALIZABLE two drains side by side (or a drain and
    // the worker) may fail it with 40001, which changes nothing and is tried again.
    const { rows } = await retried(() =>
      db.query<{ changes: number }>({
        text: DRAIN,
        values: [DRAIN_BATCH, JOB.clearanceChanged],
        query_timeout: DRAIN_TIMEOUT_MS,
      } as pg.QueryConfig),
    );
    total += rows[0]!.changes;
    if (rows[0]!.changes < DRAIN_BATCH) return total;
  }
}

/**
 * Drains every `intervalMs` while the worker runs: a student hears of a decision, and other copies of a card are
 * redrawn, within about that much more time. A failed drain (database restarting) is tried again at the same pace,
 * logged when it starts failing, every minute while it fails, and when it works again.
 */
export function startChangeDrain(db: Queryable, log: Logger, intervalMs = 250): { stop: () => Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let failingSince: number | null = null;
  let warnedAt = 0;
  const tick = () => {
    running = drainChanges(db)
      .then(() => {
        if (failingSince !== null)
          log.info({ failedForMs: Date.now() - failingSince }, 'clearance changes reach the job queue again');
        failingSince = null;
        warnedAt = 0;
      })
      .catch((e: Error) => {
        const now = Date.now();
        failingSince ??= now;
        if (now - warnedAt >= 60_000) {
          warnedAt = now;
          log.warn(
            { error: e.message, failingForMs: now - failingSince },
            'handing clearance changes to the job queue failed; trying again',
          );
        }
      })
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  tick();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      // What is not handed over stays in the table for the next start; a drain stuck on a dead connection holds
      // shutdown for its query timeout at most.
      await running;
    },
  };
}
