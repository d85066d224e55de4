// 退回 学号 原因: returning a student by chat (for platforms whose cards cannot take typed input).
import { errorCard, noticeCard, type Card } from '../../cards/index.ts';
import { decide } from '../../src/decisions/decide.ts';
import { pendingFor } from '../../src/reports/pending-for.ts';
import { stepOf } from '../../src/workflow/load.ts';
import type { Identity } from '../../src/people/identify.ts';
import type { Session } from '../session.ts';
import type { ChatMessage, Deps } from '../types.ts';
import { resultText } from '../actions/result-text.ts';

export async function returnByChat(
  deps: Deps,
  s: Session,
  me: Identity,
  msg: ChatMessage,
  studentNo: string,
  reason: string,
): Promise<Card> {
  const ids = await s.em.execute<{ id: number }[]>(
    'select c.id from clearance c join student st on st.id = c.student_id where st.student_no = ?',
    [studentNo],
  );
  const { items } = await pendingFor(s.em, deps.wf, me.assignments, 1, 50, { clearanceIds: ids.map((r) => r.id) });
  const open = items.filter((i) => i.status === 'pending');
  if (!open.length) return errorCard(`没有找到您负责范围内待办理的学号为 ${studentNo} 的学生。`, 'grey');
  // One message, one step: with several open steps of theirs, which one is meant is the sender's call, made on the card.
  if (open.length > 1)
    return errorCard(
      `${studentNo} 在您负责的 ${open.map((i) => stepOf(deps.wf, i.stepKey)!.name).join('、')} 都待办理：请发送“查 ${studentNo}”，在卡片上退回相应环节。`,
      'orange',
    );
  const item = open[0]!;
  const [r] = await decide(s.em, deps.wf, {
    actor: { kind: 'person', personId: me.personId, name: me.name },
    stepKey: item.stepKey,
    decision: 'return',
    source: 'card',
    items: [{ studentNo, reason, expectedVersion: item.version }],
    via: { platform: msg.who.platform, platformUserId: msg.who.userId, eventId: msg.eventId },
  });
  const step = stepOf(deps.wf, item.stepKey)!.name;
  return noticeCard({
    title: `退回 ${studentNo} ${item.name}`,
    text: `原因：${reason}`,
    tone: r!.outcome === 'applied' ? 'orange' : 'grey',
    lines: [`${step}：${resultText(r!, deps.wf, deps.timeZone).text}`],
  });
}
