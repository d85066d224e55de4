// Plans "pass these student numbers" for a staff member: what would pass, and what cannot (unknown, not theirs, already
// done, held at the final gate).
import type { EntityManager } from '@mikro-orm/postgresql';
import { authorize, type AssignmentScope } from '../decisions/authorize.ts';
import { stepOf } from '../workflow/load.ts';
import type { Workflow } from '../workflow/schema.ts';
import { pgTextArray } from '../db/pg-array.ts';

export interface BatchPlan {
  willPass: { studentNo: string; name: string; stepKey: string; clearanceId: number; version: number }[];
  unknown: string[];
  notYours: string[];
  alreadyDone: { studentNo: string; stepKey: string; status: string; decidedBy: string | null }[];
  /** rows the final gate would refuse: the steps they wait for still open (pending or returned), in workflow order */
  gateClosed: { studentNo: string; name: string; stepKey: string; openSteps: string[] }[];
}

export async function planBatch(
  em: EntityManager,
  wf: Workflow,
  personName: string,
  personId: number,
  assignments: AssignmentScope[],
  studentNos: string[],
): Promise<BatchPlan> {
  const steps = [...new Set(assignments.filter((a) => a.role === 'handler').map((a) => a.stepKey!))];
  const rows = await em.execute<
    {
      student_no: string;
      name: string | null;
      college_id: number | null;
      campus: string | null;
      step_key: string | null;
      id: number | null;
      version: number;
      status: string;
      decided_by_label: string | null;
      open_steps: string[] | null;
    }[]
  >(
    `select x.student_no, s.name, s.college_id, s.campus, c.step_key, c.id, c.version, c.status, c.decided_by_label,
            (select array_agg(o.step_key) from clearance o where o.student_id = s.id and o.status in ('pending', 'returned')) as open_steps
       from unnest(?::text[]) as x(student_no)
       left join student s on s.student_no = x.student_no
       left join clearance c on c.student_id = s.id and c.step_key = any(?::text[])`,
    [pgTextArray(studentNos), pgTextArray(steps)],
  );
  const plan: BatchPlan = { willPass: [], unknown: [], notYours: [], alreadyDone: [], gateClosed: [] };
  const actor = { kind: 'person' as const, personId, name: personName };
  for (const no of studentNos) {
    const mine = rows.filter((r) => r.student_no === no);
    if (!mine[0]?.name) {
      plan.unknown.push(no);
      continue;
    }
    const inScope = mine.filter(
      (r) =>
        r.step_key &&
        authorize(
          actor,
          assignments.filter((a) => a.role === 'handler'),
          stepOf(wf, r.step_key)!,
          { collegeId: r.college_id!, campus: r.campus },
          'pass',
        ) === 'handler',
    );
    if (!inScope.length) {
      plan.notYours.push(no);
      continue;
    }
    for (const r of inScope) {
      // The final gate, as decide() will apply it: a step waiting for others passes only once they have all passed.
      const waits = stepOf(wf, r.step_key!)!.requires;
      const open = wf.steps.filter((st) => waits.includes(st.key) && (r.open_steps ?? []).includes(st.key));
      if ((r.status === 'pending' || r.status === 'returned') && open.length)
        plan.gateClosed.push({
          studentNo: no,
          name: r.name!,
          stepKey: r.step_key!,
          openSteps: open.map((st) => st.key),
        });
      else if (r.status === 'pending' || r.status === 'returned')
        plan.willPass.push({
          studentNo: no,
          name: r.name!,
          stepKey: r.step_key!,
          clearanceId: r.id!,
          version: r.version,
        });
      else
        plan.alreadyDone.push({ studentNo: no, stepKey: r.step_key!, status: r.status, decidedBy: r.decided_by_label });
    }
  }
  return plan;
}
