// The academic secretary's pass on a signed paper 确认书: the supervisor step it stands for is passed with it, recorded so.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Workflow } from '../workflow/schema.ts';
import type { DecisionRequest, RowResult } from './types.ts';
import { pgTextArray } from '../db/pg-array.ts';

/** How a pass on the paper form is signed on the supervisor step: "秘书甲（纸质确认书）". */
export const onPaper = (label: string) => `${label}（纸质确认书）`;

/**
 * A pass of a step that collects the supervisor's paper form (`paper_form: supervisor_confirmation`, the academic
 * secretary) while the student's supervisor step is still open: the secretary has checked the signature on paper, so
 * that step passes too, signed as on paper. (A workflow that makes the secretary's step require the supervisor step
 * never gets here with it open.) Returns the supervisor step's decision request, or null when there is nothing to do.
 */
export async function paperFormFollowUp(
  em: EntityManager,
  wf: Workflow,
  req: DecisionRequest,
  results: RowResult[],
): Promise<DecisionRequest | null> {
  const step = wf.steps.find((s) => s.key === req.stepKey);
  const supervisor = wf.steps.find((s) => s.scope === 'supervisor');
  if (req.decision !== 'pass' || step?.paper_form !== 'supervisor_confirmation' || !supervisor) return null;
  if (step.requires.includes(supervisor.key)) return null;
  const passed = results.filter((r) => r.outcome === 'applied').map((r) => r.studentNo);
  if (!passed.length) return null;
  const open = await em.execute<{ student_no: string }[]>(
    `select s.student_no from student s join clearance c on c.student_id = s.id and c.step_key = ?
      where s.student_no = any(?::text[]) and c.status in ('pending', 'returned') order by s.student_no`,
    [supervisor.key, pgTextArray(passed)],
  );
  if (!open.length) return null;
  const label = req.actor.kind === 'person' ? req.actor.name : req.actor.label;
  return {
    actor: { kind: 'admin', label: onPaper(label) },
    stepKey: supervisor.key,
    decision: 'pass',
    source: req.source,
    items: open.map((o) => ({ studentNo: o.student_no, overReturn: true })),
    via: { ...(req.via ?? {}) },
  };
}
