// 通过 学号 学号 …: a dry run of passing a pasted list, with one confirm button.
import { batchPreviewCard, errorCard, STATE_LABEL, type Card, type StepState } from '../../cards/index.ts';
import { planBatch } from '../../src/reports/batch-plan.ts';
import { stepOf } from '../../src/workflow/load.ts';
import type { Identity } from '../../src/people/identify.ts';
import type { Session } from '../session.ts';
import type { Deps } from '../types.ts';

/** One confirm button carries the list back; WeCom keys hold 1,024 bytes, so a list is at most 50 numbers. */
export const MAX_LIST = 50;

export async function batchPreview(deps: Deps, s: Session, me: Identity, numbers: string[]): Promise<Card> {
  const nos = [...new Set(numbers)];
  if (nos.length > MAX_LIST)
    return errorCard(`一次最多 ${MAX_LIST} 个学号，这次有 ${nos.length} 个，请分批发送。`, 'orange');
  const plan = await planBatch(s.em, deps.wf, me.name, me.personId, me.acting, nos);
  return batchPreviewCard({
    willPass: plan.willPass.map((p) => ({
      studentNo: p.studentNo,
      name: p.name,
      stepName: stepOf(deps.wf, p.stepKey)!.name,
    })),
    // Not theirs and unknown read the same, so nobody learns which student numbers exist outside their scope.
    unknown: [...plan.unknown, ...plan.notYours].sort(),
    notYours: [],
    alreadyDone: plan.alreadyDone.map((d) => ({
      studentNo: d.studentNo,
      text: `${stepOf(deps.wf, d.stepKey)!.name}${STATE_LABEL[d.status as StepState] ?? d.status}${d.decidedBy ? `（${d.decidedBy}）` : ''}`,
    })),
    gateClosed: plan.gateClosed.map((g) => ({
      studentNo: g.studentNo,
      name: g.name,
      stepName: stepOf(deps.wf, g.stepKey)!.name,
      waitsFor: g.openSteps.map((k) => stepOf(deps.wf, k)!.name).join('、'),
    })),
    confirmRef: plan.willPass.map((p) => `${p.clearanceId}.${p.version}`).join(','),
  });
}
