// 撤销 on a decided row of one's own: the undo, and what it came to in words for the row and the toast.
import { type Tone } from '../../cards/index.ts';
import { undoOwn, type UndoResult } from '../../src/decisions/undo-own.ts';
import type { Identity } from '../../src/people/identify.ts';
import { localDateTime } from '../../src/time.ts';
import { stepOf } from '../../src/workflow/load.ts';
import type { Session } from '../session.ts';
import type { Deps, Who } from '../types.ts';

export function undoText(u: UndoResult, deps: Deps): { tone: Tone; text: string } {
  const at = u.decidedAt ? localDateTime(new Date(u.decidedAt), deps.timeZone) : '';
  const verb = u.status === 'passed' ? '通过' : u.status === 'returned' ? '退回' : '';
  switch (u.outcome) {
    case 'applied':
      return { tone: 'green', text: '已撤销，恢复为待办理，学生会收到通知' };
    case 'not_own':
      return { tone: 'red', text: `这是 ${u.decidedBy ?? '他人'} 于 ${at} 的${verb}，只有本人可以撤销` };
    case 'final_passed':
      return {
        tone: 'orange',
        text: `${(u.blockedBy ?? []).map((k) => stepOf(deps.wf, k)?.name ?? k).join('、')}已通过，不能再撤销；如确需更改请联系研究生院`,
      };
    case 'denied':
      return { tone: 'red', text: '不是您负责的学生或环节' };
    case 'unknown':
      return { tone: 'red', text: '卡片上的学生已不在离校名单中' };
    default:
      return verb
        ? { tone: 'grey', text: `已由 ${u.decidedBy ?? '他人'} 于 ${at} ${verb}（卡片已过期，未撤销）` }
        : { tone: 'grey', text: '现为待办理，没有可撤销的办理结果' };
  }
}

export function undoToast(u: UndoResult, deps: Deps): { tone: Tone; text: string } {
  if (u.outcome === 'applied') return { tone: 'green', text: '已撤销，学生会收到通知' };
  const t = undoText(u, deps);
  return { tone: t.tone === 'grey' ? 'blue' : t.tone, text: t.text };
}

export function undoMine(
  deps: Deps,
  s: Session,
  me: Identity,
  who: Who,
  clearanceId: number,
  expectedVersion?: number,
  eventId?: string,
): Promise<UndoResult> {
  return undoOwn(s.em, deps.wf, {
    actor: { personId: me.personId, name: me.name, assignments: me.acting },
    clearanceId,
    expectedVersion,
    via: { platform: who.platform, platformUserId: who.userId, eventId },
  });
}
