// What a decision came to, in words for the row it was tapped on and for the toast.
import { STATE_LABEL, type StepState, type Tone } from '../../cards/index.ts';

/** "decided by X at T <verb>": the verb without the 已 of the state label, which the sentence already has. */
const VERB: Partial<Record<string, string>> = { passed: '通过', returned: '退回' };
import type { RowResult } from '../../src/decisions/types.ts';
import { localDateTime } from '../../src/time.ts';
import { stepOf } from '../../src/workflow/load.ts';
import type { Workflow } from '../../src/workflow/schema.ts';

/** A supervisor (导师) agrees or does not yet agree (同意离校 / 暂不同意): their buttons' words, not an office's. */
export const isSupervisorStep = (wf: Workflow, stepKey: string | undefined): boolean =>
  !!stepKey && stepOf(wf, stepKey)?.scope === 'supervisor';

/** `stepKey`: the row's step, when known (a supervisor's row says 同意离校 / 暂不同意 rather than 通过 / 退回). */
export function resultText(
  r: RowResult,
  wf: Workflow,
  timeZone: string,
  stepKey?: string,
): { tone: Tone; text: string } {
  const at = r.decidedAt ? localDateTime(new Date(r.decidedAt), timeZone) : '';
  const supervisor = isSupervisorStep(wf, stepKey);
  switch (r.outcome) {
    case 'applied':
      return r.status === 'passed'
        ? { tone: 'green', text: `${supervisor ? '已同意离校' : '已通过'} · ${r.decidedBy} ${at}` }
        : { tone: 'orange', text: `${supervisor ? '暂不同意' : '已退回'} · ${r.decidedBy} ${at}` };
    case 'already_decided':
      return r.decidedBy
        ? {
            tone: 'grey',
            text: `已由 ${r.decidedBy} 于 ${at} ${VERB[r.status ?? ''] ?? STATE_LABEL[r.status as StepState] ?? r.status}`,
          }
        : { tone: 'grey', text: `当前状态：${STATE_LABEL[r.status as StepState] ?? r.status}（卡片已过期，请刷新）` };
    case 'gate_closed':
      return {
        tone: 'orange',
        text: `需先完成：${(r.openSteps ?? []).map((k) => stepOf(wf, k)?.name ?? k).join('、')}`,
      };
    case 'denied':
      return { tone: 'red', text: '不是您负责的学生或环节' };
    case 'not_applicable':
      return { tone: 'grey', text: '该生无需办理此环节' };
    case 'unknown_student':
      return { tone: 'red', text: '查无此学号' };
    default:
      return { tone: 'red', text: r.error ?? '没有办成' };
  }
}
