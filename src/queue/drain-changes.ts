// Turns the clearance changes recorded by decisions (change_outbox) into clearance_changed jobs, a batch per job.
import type pg from 'pg';
import type { Logger } from '../log.ts';
import { JOB } from './enqueue.ts';

/** Changes per job: the listeners read and notify per change, and one job's retry should not redo too much. */
export const DRAIN_BATCH = 500;

// Deleting the rows and adding their job is one statement, so a change is handed over exactly once. SKIP LOCKED lets
// several instances drain side by side. The job key is changeJobKey's (src/queue/enqueue.ts): clearance:ID:vN for
// one change, else a hash of the set, so the platforms' dedupe ids stay what they were.
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

/** Hands over everything recorded so far; returns how many changes became jobs. */
export async function drainChanges(db: Queryable): Promise<number> {
  let total = 0;
  for (;;) {
    const { rows } = await db.query<{ changes: number }>(DRAIN, [DRAIN_BATCH, JOB.clearanceChanged]);
    total += rows[0]!.changes;
    if (rows[0]!.changes < DRAIN_BATCH) return total;
  }
}

/**
 * Drains every `intervalMs` while the worker runs: a student hears of a decision, and other copies of a card are
 * redrawn, within about that much more time. A failed drain (database restarting) is logged and tried again.
 */
export function startChangeDrain(db: Queryable, log: Logger, intervalMs = 250): { stop: () => Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = drainChanges(db)
      .then(() => undefined)
      .catch((e: Error) => log.warn({ error: e.message }, 'handing clearance changes to the job queue failed; trying again'))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  tick();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
