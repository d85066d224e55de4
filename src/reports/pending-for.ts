// The students waiting on a staff member's steps in their scope, a page at a time; the final office sees only students ready for it.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AssignmentScope } from '../decisions/authorize.ts';
import type { Workflow } from '../workflow/schema.ts';
import { pgIntArray, pgTextArray } from '../db/pg-array.ts';
import { prepared } from '../db/prepared.ts';

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
  /** the student's supervisor (导师), if on file */
  supervisorId?: number | null;
  supervisorName?: string | null;
  /** the supervisor step of the student, shown to the office that checks its paper form (the academic secretary) */
  supervisorStep?: { status: string; decidedBy: string | null; decidedAt: Date | string | null } | null;
}

/** The handler assignments as (step, college, campus) scopes, and the supervisor step of the supervisors they act as, for SQL. */
function scopes(wf: Workflow, assignments: AssignmentScope[]) {
  const supervisorSteps = wf.steps.filter((st) => st.scope === 'supervisor').map((st) => st.key);
  const supervisors = [...new Set(assignments.filter((a) => a.role === 'supervisor').map((a) => a.supervisorId!))];
  const handled = assignments
    .filter((a) => a.role === 'handler')
    .map((a) => ({ step: a.stepKey, college_id: a.collegeId, campus: a.campus }));
  return [
    ...handled,
    ...(supervisors.length
      ? supervisorSteps.map((step) => ({ step, college_id: null, campus: null, supervisors }))
      : []),
  ];
}

/**
 * The step whose state the academic secretary sees beside each student: the workflow's supervisor step, when one of
 * `steps` collects its paper form; null otherwise, and then the join below is no work at all (a library's list of
 * thousands does not look up a supervisor per student).
 */
function supervisorStepFor(wf: Workflow, steps: string[]): string | null {
  const checks = wf.steps.some((st) => steps.includes(st.key) && st.paper_form === 'supervisor_confirmation');
  return checks ? (wf.steps.find((st) => st.scope === 'supervisor')?.key ?? null) : null;
}

export async function pendingFor(
  em: EntityManager,
  wf: Workflow,
  assignments: AssignmentScope[],
  page: number,
  pageSize: number,
  only?: { clearanceIds?: number[] },
): Promise<{ items: PendingItem[]; total: number }> {
  const sc = scopes(wf, assignments);
  if (!sc.length) return { items: [], total: 0 };
  const steps = [...new Set(sc.map((x) => x.step!))];
  const gates = wf.steps
    .filter((st) => steps.includes(st.key) && st.requires.length)
    .map((st) => ({ step: st.key, requires: st.requires }));
  // Driven from the (step_key, status) index; a scope matches by EXISTS, so overlapping assignments list a row once.
  // A gated step lists a student once every step it requires is passed or not applicable (a missing row is open).
  const rows = await em.execute<(PendingItem & { total: string })[]>(
    `with scope as (select * from jsonb_to_recordset(?::jsonb) as x(step text, college_id int, campus text, supervisors int[])),
          req as (select step, jsonb_array_elements_text(requires) as required from jsonb_to_recordset(?::jsonb) as r(step text, requires jsonb))
     select c.id as "clearanceId", c.version, s.student_no as "studentNo", s.name, co.name as college, s.campus, c.step_key as "stepKey",
            c.status, c.reason, c.amount::text as amount, s.supervisor_id as "supervisorId",
            case when ?::boolean then (select sp.name from person sp where sp.id = s.supervisor_id) end as "supervisorName",
            case when sv.id is not null then json_build_object('status', sv.status, 'decidedBy', sv.decided_by_label, 'decidedAt', sv.decided_at) end as "supervisorStep",
            count(*) over () as total
       from clearance c join student s on s.id = c.student_id join college co on co.id = s.college_id
       left join clearance sv on sv.student_id = s.id and sv.step_key = ?::text and c.step_key <> sv.step_key
      where c.step_key = any(?::text[]) and c.status in ('pending', 'returned') and (?::int[] is null or c.id = any(?::int[]))
        and exists (select 1 from scope where scope.step = c.step_key and (scope.college_id is null or scope.college_id = s.college_id)
                                         and (scope.campus is null or scope.campus = s.campus)
                                         and (scope.supervisors is null or s.supervisor_id = any(scope.supervisors)))
        and not exists (select 1 from req where req.step = c.step_key
                           and not exists (select 1 from clearance o where o.student_id = c.student_id and o.step_key = req.required
                                              and o.status in ('passed', 'not_applicable')))
      order by s.deadline nulls last, s.student_no, c.step_key limit ? offset ?`,
    [
      JSON.stringify(sc),
      JSON.stringify(gates),
      sc.some((x) => 'supervisors' in x),
      supervisorStepFor(wf, steps),
      pgTextArray(steps),
      only?.clearanceIds ? pgIntArray(only.clearanceIds) : null,
      only?.clearanceIds ? pgIntArray(only.clearanceIds) : null,
      pageSize,
      (page - 1) * pageSize,
    ],
  );
  return { items: rows.map(({ total: _t, ...r }) => r), total: Number(rows[0]?.total ?? 0) };
}

/** A clearance as a card row shows it, whatever its state (decidedAt is a string when read through JSON). */
export type ClearanceItem = Omit<PendingItem, 'status'> & {
  status: string;
  studentId: number;
  collegeId: number;
  supervisorId?: number | null;
  decidedBy: string | null;
  /** the person who decided, when a person did (their own decisions they may undo) */
  decidedById?: number | null;
  decidedAt: Date | string | null;
};

/** The select behind clearanceItems, for a statement that reads them along with other things (`where` picks the rows). */
export function clearanceItemSelect(where: string): string {
  return `select c.id as "clearanceId", c.version, s.id as "studentId", s.student_no as "studentNo", s.name, s.college_id as "collegeId", co.name as college, s.campus, s.supervisor_id as "supervisorId",
            (select sp.name from person sp where sp.id = s.supervisor_id) as "supervisorName", c.step_key as "stepKey", c.status, c.reason, c.amount::text as amount, c.decided_by_label as "decidedBy", c.decided_by_id as "decidedById", c.decided_at as "decidedAt"
       from clearance c join student s on s.id = c.student_id join college co on co.id = s.college_id
      where ${where}`;
}

/** Rows for given clearances whatever their state, to show what a tap did to them. */
export async function clearanceItems(em: EntityManager, ids: number[]): Promise<ClearanceItem[]> {
  if (!ids.length) return [];
  return prepared(em, clearanceItemSelect('c.id = any(?::int[])'), [pgIntArray(ids)]);
}

/** How many students wait on these assignments; a school-wide handler of ungated steps is counted from the index alone. */
export async function pendingCount(em: EntityManager, wf: Workflow, assignments: AssignmentScope[]): Promise<number> {
  const sc = scopes(wf, assignments);
  if (!sc.length) return 0;
  const steps = [...new Set(sc.map((x) => x.step!))];
  const simple =
    sc.every((x) => x.college_id === null && x.campus === null && !('supervisors' in x)) &&
    !wf.steps.some((st) => steps.includes(st.key) && st.requires.length);
  if (!simple) return (await pendingFor(em, wf, assignments, 1, 1)).total;
  const [row] = await prepared<{ n: string }>(
    em,
    "select count(*) as n from clearance where step_key = any(?::text[]) and status in ('pending', 'returned')",
    [pgTextArray(steps)],
  );
  return Number(row?.n ?? 0);
}
