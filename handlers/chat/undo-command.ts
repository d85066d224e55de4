// 撤销 学号: a handler undoes their own pass or return of a student, until the final office has passed the student.
import { errorCard, noticeCard, type Card } from '../../cards/index.ts';
import { clearanceItemSelect, type ClearanceItem } from '../../src/reports/pending-for.ts';
import { prepared } from '../../src/db/prepared.ts';
import { stepOf } from '../../src/workflow/load.ts';
import type { Identity } from '../../src/people/identify.ts';
import type { Session } from '../session.ts';
import type { ChatMessage, Deps } from '../types.ts';
import { undoMine, undoText } from '../actions/undo.ts';

/** The student's steps this person passed or returned themself, in workflow order. */
export async function ownDecisions(deps: Deps, s: Session, me: Identity, studentNo: string): Promise<ClearanceItem[]> {
  const rows = await prepared<ClearanceItem>(
    s.em,
    clearanceItemSelect(`s.student_no = ? and c.decided_by_id = ? and c.status in ('passed', 'returned')`),
    [studentNo, me.personId],
  );
  const order = (k: string) => deps.wf.steps.findIndex((st) => st.key === k);
  return rows.sort((a, b) => order(a.stepKey) - order(b.stepKey));
}

export async function undoByChat(
  deps: Deps,
  s: Session,
  me: Identity,
  msg: ChatMessage,
  studentNo: string,
): Promise<Card> {
  const mine = await ownDecisions(deps, s, me, studentNo);
  if (!mine.length)
    return errorCard(
      `没有找到您通过或退回过的学号为 ${studentNo} 的学生（只能撤销自己办理的结果；他人办理的请联系办理人）。`,
      'grey',
    );
  // One message, one step: with several, which one is meant is the sender's call, made on the card.
  if (mine.length > 1)
    return errorCard(
      `您办理过 ${studentNo} 的 ${mine.map((i) => stepOf(deps.wf, i.stepKey)!.name).join('、')}：请发送“查 ${studentNo}”，在卡片上撤销相应环节。`,
      'orange',
    );
  const item = mine[0]!;
  const u = await undoMine(deps, s, me, msg.who, item.clearanceId, item.version, msg.eventId);
  const step = stepOf(deps.wf, item.stepKey)!.name;
  return noticeCard({
    title: `撤销 ${studentNo} ${item.name}`,
    text: `${step}：${undoText(u, deps).text}`,
    tone: u.outcome === 'applied' ? 'green' : 'orange',
    lines: u.outcome === 'applied' ? [`该生的${step}恢复为待办理，可在“待办”中重新办理。`] : [],
  });
}
