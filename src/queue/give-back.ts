// A running job handed back to the queue for later, without counting as a failed attempt.
import type { JobHelpers } from 'graphile-worker';

/**
 * Queues the running job again to run `waitMs` from now, with the same task, payload, key, priority and attempts; the
 * running one then ends as done. graphile-worker 0.17 cannot reschedule a job it has locked (`reschedule_jobs` skips
 * locked jobs), and a thrown error would count as an attempt and back off exponentially. `add_job` with the running
 * job's key takes the key off the running job and marks it out of attempts, so if this process dies before the
 * running job completes, the old one is never retried: the notice is sent once, by the new job. The new job keeps the
 * attempts before this run (add_job starts it at 0), so give-backs neither spend nor refill the retry budget.
 */
export async function giveBack(helpers: JobHelpers, waitMs: number): Promise<void> {
  const job = helpers.job;
  if (job.key === null) throw new Error('only a job with a key can be given back: without one it could run twice');
  await helpers.withPgClient(async (c) => {
    await c.query('begin');
    try {
      const { rows } = await c.query<{ id: string }>(
        `select id from graphile_worker.add_job($1::text, $2::json, run_at => now() + $3::int * interval '1 millisecond',
                max_attempts => $4::int, job_key => $5::text, priority => $6::int, job_key_mode => 'replace')`,
        [job.task_identifier, JSON.stringify(job.payload), Math.ceil(waitMs), job.max_attempts, job.key, job.priority],
      );
      // attempts counts this run (graphile-worker adds one as it takes a job): it was no failure
      await c.query(`select from graphile_worker.reschedule_jobs(array[$1::bigint], attempts => $2::int)`, [
        rows[0]!.id,
        Math.max(0, job.attempts - 1),
      ]);
      await c.query('commit');
    } catch (e) {
      await c.query('rollback');
      throw e;
    }
  });
  helpers.logger.debug(`job ${job.key} given back for ${Math.ceil(waitMs)} ms: its budget is spent`);
}
