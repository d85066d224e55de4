// Students' notices held for a short window, so that several changes reach a student as one message.
import type { EntityManager } from '@mikro-orm/postgresql';
import { pgIntArray } from '../db/pg-array.ts';
import { LANE_PRIORITY } from './lanes.ts';

export const STUDENT_NOTICE_TASK = 'student_notice';

export interface QueuedNotice {
  personId: number;
  clearanceId: number;
  version: number;
}

/**
 * Records the changes and makes sure one job per person runs `windowSec` after the first of them: the job key keeps
 * one job per person and `preserve_run_at` keeps its time, so later changes join it instead of delaying it.
 * Call it in the transaction that must not lose the changes.
 */
export async function holdStudentNotices(em: EntityManager, items: QueuedNotice[], windowSec: number): Promise<void> {
  if (!items.length) return;
  await em.execute(
    `insert into notice_queue (person_id, clearance_id, version) select * from unnest(?::int[], ?::int[], ?::int[])`,
    [
      pgIntArray(items.map((i) => i.personId)),
      pgIntArray(items.map((i) => i.clearanceId)),
      pgIntArray(items.map((i) => i.version)),
    ],
  );
  const people = [...new Set(items.map((i) => i.personId))];
  // job_spec: (identifier, payload, queue_name, run_at, max_attempts, job_key, priority, flags)
  await em.execute(
    `select count(*) from graphile_worker.add_jobs(array(
       select row(?, json_build_object('personId', p), null, now() + ? * interval '1 second', 8,
                  'student-notice:' || p, ?, null)::graphile_worker.job_spec
         from unnest(?::int[]) p
     ), true)`,
    [STUDENT_NOTICE_TASK, windowSec, LANE_PRIORITY.notice, pgIntArray(people)],
  );
}

/** Takes every change held for a person (in the caller's transaction: a failure puts them back). */
export async function takeStudentNotices(em: EntityManager, personId: number): Promise<QueuedNotice[]> {
  const rows = await em.execute<{ id: string; clearance_id: number; version: number }[]>(
    `delete from notice_queue where person_id = ? returning id, clearance_id, version`,
    [personId],
  );
  return rows
    .sort((a, b) => Number(a.id) - Number(b.id))
    .map((r) => ({ personId, clearanceId: r.clearance_id, version: r.version }));
}
