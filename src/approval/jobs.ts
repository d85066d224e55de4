// The approval center's queue jobs: a push per student (debounced, one at a time in order), and the reconciliation.
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { pgIntArray } from '../db/pg-array.ts';
import type { ChangeListener } from '../queue/worker.ts';

export const APPROVAL_JOB = {
  /** payload { studentId }: plan the student's tasks and send the full snapshot (REPLACE) */
  push: 'approval_push',
  /** compare what Feishu holds with the database and re-push what differs */
  reconcile: 'approval_reconcile',
} as const;

/** Pushes wait this long after the last change of their student, so a burst of decisions makes one push. */
export const PUSH_DEBOUNCE_MS = 3000;

/**
 * One job per student (job key approval:ID, run_at moved out by each new change: a debounce). Every push runs in one
 * named queue, so two snapshots of a student never race to Feishu and the older land last.
 */
export async function enqueuePushes(
  em: EntityManager,
  studentIds: number[],
  delayMs = PUSH_DEBOUNCE_MS,
  // a decision's push goes before the pushes of a whole season (graphile-worker: lower runs first)
  priority: 0 | 5 = delayMs > 0 ? 0 : 5,
): Promise<number> {
  if (!studentIds.length) return 0;
  const [row] = await em.execute<{ n: number }[]>(
    `select count(graphile_worker.add_job(?::text, json_build_object('studentId', id), queue_name => 'feishu_approval',
            run_at => now() + (? * interval '1 millisecond'), priority => ?::int, max_attempts => 10, job_key => 'approval:' || id, job_key_mode => 'replace'))::int as n
       from unnest(?::int[]) as id`,
    [APPROVAL_JOB.push, delayMs, priority, pgIntArray([...new Set(studentIds)])],
  );
  return row?.n ?? 0;
}

/** Every student of an open season (or of the one named), for a full push. */
export async function studentsToPush(em: EntityManager, seasonLabel?: string): Promise<number[]> {
  const rows = await em.execute<{ id: number }[]>(
    `select s.id from student s join season se on se.id = s.season_id
      where se.purged_at is null and (?::text is null or se.label = ?::text) order by s.id`,
    [seasonLabel ?? null, seasonLabel ?? null],
  );
  return rows.map((r) => r.id);
}

/** A change listener: every decided clearance schedules its student's push, wherever the decision was made. */
export function approvalChangeListener(orm: MikroORM, delayMs = PUSH_DEBOUNCE_MS): ChangeListener {
  return async ({ changes }) => {
    const em = orm.em.fork();
    const rows = await em.execute<{ student_id: number }[]>(
      'select distinct student_id from clearance where id = any(?::int[])',
      [pgIntArray(changes.map((c) => c.clearanceId))],
    );
    await enqueuePushes(
      em,
      rows.map((r) => r.student_id),
      delayMs,
    );
  };
}
