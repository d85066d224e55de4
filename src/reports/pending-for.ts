// The students waiting on a staff member's steps in their scope, a page at a time; the final office sees only students ready for it.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AssignmentScope } from '../decisions/authorize.ts';
import type { Workflow } from '../workflow/schema.ts';
import { pgIntArray } from '../db/pg-array.ts';

export interface PendingItem {
  clearanceId: number;
  version: number;
  studentNo: string;
  name: string;
  college: string;
  campus: string | null;
  stepKey: string;
  status: 'pending' | 'returned';
  reason: string | null;
  amount: string | null;
}

/** The handler assignments as (step, college, campus) scopes, for SQL. */
function scopes(assignments: AssignmentScope[]) {
  return assignments.filter((a) => a.role === 'handler').map((a) => ({ step: a.stepKey, college_id: a.collegeId, campus: a.campus }));
}

export async function pendingFor(
  em: EntityManager,
  wf: Workflow,
  assignments: AssignmentScope[],
  page: number,
  pageSize: number,
  only?: { clearanceIds?: number[] },
): Promise<{ items: PendingItem[]; total: number }> {
  const sc = scopes(assignments);
  if (!sc.length) return { items: [], total: 0 };
  const requires = wf.steps.map((s) => ({ step: s.key, requires: s.requires }));
  const rows = await em.execute<(PendingItem & { total: string })[]>(
    `with scope as (select * from jsonb_to_recordset(?::jsonb) as x(step text, college_id int, campus text)),
          req as (select step, jsonb_array_elements_text(requires) as required from jsonb_to_recordset(?::jsonb) as r(step text, requires jsonb)),
          mine as (
            select distinct c.id, c.version, s.student_no, s.name, co.name as college, s.campus, c.step_key, c.status, c.reason, c.amount::text as amount,
                   s.deadline, c.updated_at
              from clearance c join student s on s.id = c.student_id join college co on co.id = s.college_id
              join scope on scope.step = c.step_key and (scope.college_id is null or scope.college_id = s.college_id)
                        and (scope.campus is null or scope.campus = s.campus)
             where c.status in ('pending', 'returned') and (?::int[] is null or c.id = any(?::int[]))
               and not exists (select 1 from req join clearance o on o.student_id = c.student_id and o.step_key = req.required
                               where req.step = c.step_key and o.status in ('pending', 'returned')))
     select id as "clearanceId", version, student_no as "studentNo", name, college, campus, step_key as "stepKey", status, reason, amount,
            count(*) over () as total
       from mine order by deadline nulls last, student_no, step_key limit ? offset ?`,
    [
      JSON.stringify(sc),
      JSON.stringify(requires),
      only?.clearanceIds ? pgIntArray(only.clearanceIds) : null,
      only?.clearanceIds ? pgIntArray(only.clearanceIds) : null,
      pageSize,
      (page - 1) * pageSize,
    ],
  );
  return { items: rows.map(({ total: _t, ...r }) => r), total: Number(rows[0]?.total ?? 0) };
}

/** Rows for given clearances whatever their state, to show what a tap did to them. */
export async function clearanceItems(
  em: EntityManager,
  ids: number[],
): Promise<(Omit<PendingItem, 'status'> & { status: string; studentId: number; decidedBy: string | null; decidedAt: Date | null })[]> {
  if (!ids.length) return [];
  return em.execute(
    `select c.id as "clearanceId", c.version, s.id as "studentId", s.student_no as "studentNo", s.name, co.name as college, s.campus,
            c.step_key as "stepKey", c.status, c.reason, c.amount::text as amount, c.decided_by_label as "decidedBy", c.decided_at as "decidedAt"
       from clearance c join student s on s.id = c.student_id join college co on co.id = s.college_id
      where c.id = any(?::int[])`,
    [pgIntArray(ids)],
  );
}
