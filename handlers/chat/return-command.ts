// 退回 学号 原因: returning a student by chat (for platforms whose cards cannot take typed input).
import { errorCard, noticeCard, type Card } from '../../cards/index.ts';
import { decide } from '../../src/decisions/decide.ts';
import { pendingFor } from '../../src/reports/pending-for.ts';
import { stepOf } from '../../src/workflow/load.ts';
import type { Identity } from '../../src/people/identify.ts';
import type { Session } from '../session.ts';
import type { ChatMessage, Deps } from '../types.ts';
import { resultText } from '../actions/result-text.ts';
import { localDateTime } from '../../src/time.ts';
import { prepared } from '../../src/db/prepared.ts';
import { pgTextArray } from '../../src/db/pg-array.ts';
import { clearanceItemSelect, type ClearanceItem } from '../../src/reports/pending-for.ts';
import { handledSteps } from '../session.ts';

const notFound = (studentNo: string) => errorCard(`没有找到您负责范围内待办理的学号为 ${studentNo} 的学生。`, 'grey');

/**
 * The student is in their scope but not open on their steps: say what the row is (passed by them, and how to undo it;
 * decided by someone else; waiting for other steps) instead of "not found". Null when nothing of theirs is there.
 */
async function whyNotOpen(
  deps: Deps,
  s: Session,
  me: Identity,
  studentNo: string,
  reason: string,
): Promise<Card | null> {
  const rows = await prepared<ClearanceItem>(
    s.em,
    clearanceItemSelect('s.student_no = ? and c.step_key = any(?::text[])'),
    [studentNo, pgTextArray(handledSteps(deps, me))],
  );
  const inScope = rows.filter((i) =>
    me.acting.some(
      (a) =>
        a.role === 'handler' &&
        a.stepKey === i.stepKey &&
        (a.collegeId === null || a.collegeId === i.collegeId) &&
        (a.campus === null || a.campus === i.campus),
    ),
  );
  if (!inScope.length) return null;
  const lines = inScope.map((i) => {
    const step = stepOf(deps.wf, i.stepKey)!.name;
    const at = i.decidedAt ? localDateTime(new Date(i.decidedAt), deps.timeZone) : '';
    const mine = i.decidedById === me.personId;
    if (i.status === 'passed' && mine)
      return `您已于 ${at} 通过了${step}。如需退回，请先发送“撤销 ${studentNo}”撤销这次通过，再发送“退回 ${studentNo} ${reason}”。`;
    if (i.status === 'passed') return `${step}已由 ${i.decidedBy ?? '他人'} 于 ${at} 通过，只有办理人本人可以撤销。`;
    if (i.status === 'returned')
      return `${step}已${mine ? '由您' : `由 ${i.decidedBy ?? '他人'} `}于 ${at} 退回（原因：${i.reason ?? ''}）。`;
    if (i.status === 'not_applicable') return `该生无需办理${step}。`;
    return `${step}需等该生的其他环节全部通过后才能办理。`;
  });
  const first = inScope[0]!;
  return noticeCard({
    title: `${studentNo} ${first.name}：没有退回`,
    text: lines.join('\n'),
    tone: 'orange',
  });
}

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
  const { items } = await pendingFor(s.em, deps.wf, me.acting, 1, 50, { clearanceIds: ids.map((r) => r.id) });
  const open = items.filter((i) => i.status === 'pending');
  if (!open.length) return (await whyNotOpen(deps, s, me, studentNo, reason)) ?? notFound(studentNo);
  // One message, one step: with several open steps of theirs, which one is meant is the sender's call, made on the card.
  if (open.length > 1)
    return errorCard(
      `${studentNo} 在您负责的 ${open.map((i) => stepOf(deps.wf, i.stepKey)!.name).join('、')} 都待办理：请发送“查 ${studentNo}”，在卡片上退回相应环节。`,
      'orange',
    );
  const item = open[0]!;
  const [r] = await decide(s.em, deps.wf, {
    actor: { kind: 'person', personId: me.personId, name: me.name, assignments: me.assignments, covers: me.covers },
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
