// What notices need to know about changed clearances: the student, the new state, and what is still open for them.
import type { EntityManager } from '@mikro-orm/postgresql';
import { pgIntArray } from '../db/pg-array.ts';

export interface ChangedClearance {
  clearanceId: number;
  version: number;
  stepKey: string;
  status: string;
  reason: string | null;
  amount: string | null;
  studentId: number;
  studentNo: string;
  studentName: string;
  studentPersonId: number;
  collegeId: number;
  campus: string | null;
  /** the student's steps still pending or returned, after this change */
  openSteps: string[];
  /** the student's steps passed or not applicable, with their versions: what a gated step waits for is these */
  settled: Record<string, number>;
}

export async function changedClearances(em: EntityManager, ids: number[]): Promise<ChangedClearance[]> {
  if (!ids.length) return [];
  return em.execute(
    `select c.id as "clearanceId", c.version, c.step_key as "stepKey", c.status, c.reason, c.amount::text as amount,
            s.id as "studentId", s.student_no as "studentNo", s.name as "studentName", s.person_id as "studentPersonId",
            s.college_id as "collegeId", s.campus,
            coalesce((select array_agg(o.step_key) from clearance o where o.student_id = s.id and o.status in ('pending', 'returned')), '{}') as "openSteps",
            coalesce((select jsonb_object_agg(o.step_key, o.version) from clearance o
                       where o.student_id = s.id and o.status in ('passed', 'not_applicable')), '{}') as "settled"
       from clearance c join student s on s.id = c.student_id where c.id = any(?::int[])`,
    [pgIntArray(ids)],
  );
}

/** People who hold `stepKey` for a student of this college and campus (the final office to tell a student is ready). */
export async function holdersOf(
  em: EntityManager,
  stepKey: string,
  collegeId: number,
  campus: string | null,
): Promise<number[]> {
  const rows = await em.execute<{ person_id: number }[]>(
    `select distinct person_id from assignment where ended_at is null and role = 'handler' and step_key = ?
        and (college_id is null or college_id = ?) and (campus is null or campus = ?)`,
    [stepKey, collegeId, campus],
  );
  return rows.map((r) => r.person_id);
}
