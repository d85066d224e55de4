// 进度 / status / 我的离校: a student's own status card.
import { statusCard, type Card } from '../../cards/index.ts';
import { studentStatus } from '../../src/reports/student-status.ts';
import type { Session } from '../session.ts';
import { formUrl } from '../session.ts';
import { statusView } from '../present/status-view.ts';
import type { Deps } from '../types.ts';
import { errorCard, t } from '../../cards/index.ts';
import { onlineConfirmation } from '../../src/reports/confirmation-code.ts';

/**
 * The status card of a student. `staffSteps` is set when a staff member looks: arrears amounts and reasons are shown
 * only for the steps they hold, and the student's own form link not at all (amounts are for the student and the office).
 */
export async function studentStatusCard(
  deps: Deps,
  s: Session,
  studentNo: string,
  staffSteps?: string[],
  lang: 'zh' | 'en' = 'zh',
): Promise<Card | null> {
  const found = await studentStatus(s.em, deps.wf, studentNo);
  if (!found) return null;
  const st = staffSteps
    ? { ...found, steps: found.steps.map((x) => (staffSteps.includes(x.key) ? x : { ...x, reason: null })) }
    : found;
  const [extra] = await s.em.execute<{ form_token: string; amounts: Record<string, string> | null }[]>(
    `select s.form_token, (select jsonb_object_agg(c.step_key, c.amount::text) from clearance c where c.student_id = s.id and c.amount is not null) as amounts
       from student s where s.student_no = ?`,
    [studentNo],
  );
  const amounts = Object.fromEntries(
    Object.entries(extra!.amounts ?? {}).filter(([k]) => !staffSteps || staffSteps.includes(k)),
  );
  const view = statusView(
    st,
    deps.wf,
    deps.timeZone,
    staffSteps ? undefined : formUrl(deps, extra!.form_token),
    amounts,
    lang,
  );
  // The code printed on a 确认书 confirmed online, for the academic secretary to check against (查 学号).
  const supervisor = deps.wf.steps.find((x) => x.scope === 'supervisor');
  const online = supervisor ? await onlineConfirmation(s.em, studentNo, supervisor.key) : null;
  if (online) view.steps = view.steps.map((x) => (x.key === supervisor!.key ? { ...x, code: online.code } : x));
  return statusCard({ ...view, ownLanguage: !staffSteps });
}

export async function myStatus(deps: Deps, s: Session): Promise<Card> {
  const lang = s.me?.lang ?? 'zh';
  if (!s.me?.student) return errorCard(t(lang, 'chat.status_not_student'), 'grey', lang);
  return (await studentStatusCard(deps, s, s.me.student.studentNo, undefined, lang))!;
}
