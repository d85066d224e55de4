// 进度 / status / 我的离校: a student's own status card.
import { statusCard, type Card } from '../../cards/index.ts';
import { studentStatus } from '../../src/reports/student-status.ts';
import type { Session } from '../session.ts';
import { formUrl } from '../session.ts';
import { statusView } from '../present/status-view.ts';
import type { Deps } from '../types.ts';
import { errorCard } from '../../cards/index.ts';

export async function studentStatusCard(deps: Deps, s: Session, studentNo: string): Promise<Card | null> {
  const st = await studentStatus(s.em, deps.wf, studentNo);
  if (!st) return null;
  const [extra] = await s.em.execute<{ form_token: string; amounts: Record<string, string> | null }[]>(
    `select s.form_token, (select jsonb_object_agg(c.step_key, c.amount::text) from clearance c where c.student_id = s.id and c.amount is not null) as amounts
       from student s where s.student_no = ?`,
    [studentNo],
  );
  return statusCard(statusView(st, deps.wf, deps.timeZone, formUrl(deps, extra!.form_token), extra!.amounts ?? {}));
}

export async function myStatus(deps: Deps, s: Session): Promise<Card> {
  if (!s.me?.student) return errorCard('“进度”用于查看学生本人的离校进度，您的账号没有对应的学生记录。工作人员请发送“待办”。', 'grey');
  return (await studentStatusCard(deps, s, s.me.student.studentNo))!;
}
