// 退回 学号 原因: returning a student by chat (for platforms whose cards cannot take typed input).
import { errorCard, noticeCard, type Card } from '../../cards/index.ts';
import { decide } from '../../src/decisions/decide.ts';
import type { Identity } from '../../src/people/identify.ts';
import type { Session } from '../session.ts';
import type { ChatMessage, Deps } from '../types.ts';
import { resultText } from '../actions/result-text.ts';

export async function returnByChat(deps: Deps, s: Session, me: Identity, msg: ChatMessage, studentNo: string, reason: string): Promise<Card> {
  const steps = [...new Set(me.assignments.filter((a) => a.role === 'handler').map((a) => a.stepKey!))];
  if (!steps.length) return errorCard('您没有负责的离校环节。', 'grey');
  const lines: string[] = [];
  for (const stepKey of steps) {
    const [r] = await decide(s.em, deps.wf, {
      actor: { kind: 'person', personId: me.personId, name: me.name },
      stepKey,
      decision: 'return',
      source: 'card',
      items: [{ studentNo, reason }],
      via: { platform: msg.who.platform, platformUserId: msg.who.userId, eventId: msg.eventId },
    });
    if (r!.outcome === 'unknown_student') return errorCard(`没有找到您负责范围内学号为 ${studentNo} 的学生。`, 'grey');
    if (r!.outcome !== 'denied' && r!.outcome !== 'not_applicable') lines.push(`${deps.wf.steps.find((x) => x.key === stepKey)!.name}：${resultText(r!, deps.wf, deps.timeZone).text}`);
  }
  if (!lines.length) return errorCard(`没有找到您负责范围内学号为 ${studentNo} 的学生。`, 'grey');
  return noticeCard({ title: `退回 ${studentNo}`, text: `原因：${reason}`, tone: 'orange', lines });
}
