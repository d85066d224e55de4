// A workflow changed mid-season: creates the clearance rows its new steps lack, never re-opening a student whose
// final step has passed.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Workflow } from './schema.ts';
import { insertAudit } from '../audit/insert-audit.ts';
import { readCommitted } from '../db/retry.ts';
import { APPLIES, stepsJson } from './applies.ts';

export interface SyncPlan {
  /** rows to create (or created), per step: pending, or not_applicable for students whose exit type it skips */
  steps: { stepKey: string; pending: number; notApplicable: number }[];
  /**
   * Students a new step applies to but whose row is not created, because a step that waits for it (研工办) has already
   * passed: they have finished, and are not re-opened. To require the new step of one of them, revoke that step and
   * run the sync again.
   */
  heldBack: { studentNo: string; stepKey: string; passedStep: string }[];
  applied: boolean;
}

// Students of seasons not purged, per workflow step they have no row for. A step's "waiting" steps are those that
// require it directly (the final step requires every other).
const MISSING = `
select s.id as student_id, s.student_no, st.key as step_key,
       ${APPLIES} as status,
       (select min(d.step_key) from clearance d where d.student_id = s.id and d.status = 'passed'
           and d.step_key in (select jsonb_array_elements_text(?::jsonb -> st.key))) as passed_step
  from student s join season se on se.id = s.season_id and se.purged_at is null
 cross join jsonb_to_recordset(?::jsonb) as st(key text, applies_to jsonb, scope text)
 where not exists (select 1 from clearance c where c.student_id = s.id and c.step_key = st.key)`;

/** What the sync would create (`apply` false changes nothing), or creates it and says what it created. */
export async function syncWorkflow(
  em: EntityManager,
  wf: Workflow,
  opts: { apply: boolean; actorLabel: string },
): Promise<SyncPlan> {
  const steps = stepsJson(wf);
  const waiting = JSON.stringify(
    Object.fromEntries(
      wf.steps.map((s) => [s.key, wf.steps.filter((d) => d.requires.includes(s.key)).map((d) => d.key)]),
    ),
  );
  return readCommitted(em, async (t) => {
    const missing = await t.execute<
      { student_id: number; student_no: string; step_key: string; status: string; passed_step: string | null }[]
    >(`${MISSING} order by s.student_no, st.key`, [waiting, steps]);
    const held = missing.filter((m) => m.status === 'pending' && m.passed_step !== null);
    const create = missing.filter((m) => !(m.status === 'pending' && m.passed_step !== null));
    const order = wf.steps.map((s) => s.key);
    const plan: SyncPlan = {
      steps: order
        .map((stepKey) => ({
          stepKey,
          pending: create.filter((m) => m.step_key === stepKey && m.status === 'pending').length,
          notApplicable: create.filter((m) => m.step_key === stepKey && m.status === 'not_applicable').length,
        }))
        .filter((s) => s.pending + s.notApplicable > 0),
      heldBack: held.map((m) => ({ studentNo: m.student_no, stepKey: m.step_key, passedStep: m.passed_step! })),
      applied: false,
    };
    if (!opts.apply || (!create.length && !held.length)) return plan;
    // Written from the plan's rows, so that what is created is what was listed; the final step cannot pass over a
    // missing row meanwhile (its gate counts a missing row as open), and a row created since is left alone.
    await t.execute(
      `insert into clearance (student_id, step_key, status)
       select x.student_id, x.step_key, x.status from jsonb_to_recordset(?::jsonb) as x(student_id int, step_key text, status text)
       on conflict (student_id, step_key) do nothing`,
      [JSON.stringify(create.map((m) => ({ student_id: m.student_id, step_key: m.step_key, status: m.status })))],
    );
    await insertAudit(t, { actorPersonId: null, actorLabel: opts.actorLabel, action: 'workflow.sync', stepKey: null }, [
      {
        outcome: 'applied',
        studentId: null,
        detail: { created: plan.steps, held_back: held.length },
      },
      ...held.map((m) => ({
        outcome: 'held_back',
        studentId: m.student_id,
        detail: { step: m.step_key, passed_step: m.passed_step },
      })),
    ]);
    return { ...plan, applied: true };
  });
}
