// 进度 / status / 我的离校: a student's own status card.
import { statusCard, type Card } from '../../cards/index.ts';
import { studentRecord } from '../../src/reports/student-status.ts';
import type { Session } from '../session.ts';
import { formUrl } from '../session.ts';
import { statusView } from '../present/status-view.ts';
import type { Deps } from '../types.ts';
import { errorCard, t } from '../../cards/index.ts';
import { confirmedOnline } from '../../src/reports/confirmation-code.ts';

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
  const record = await studentRecord(s.em, deps.wf, studentNo);
  if (!record) return null;
  const found = record.status;
  const st = staffSteps
    ? { ...found, steps: found.steps.map((x) => (staffSteps.includes(x.key) ? x : { ...x, reason: null })) }
    : found;
  const amounts = Object.fromEntries(
    [...record.rows.values()]
      .filter((r) => r.amount !== null && (!staffSteps || staffSteps.includes(r.step_key)))
      .map((r) => [r.step_key, r.amount!]),
  );
  const view = statusView(
    st,
    deps.wf,
    deps.timeZone,
    staffSteps ? undefined : formUrl(deps, record.formToken),
    amounts,
    lang,
  );
  // The code printed on a 确认书 confirmed online, for the academic secretary to check against (查 学号).
  const supervisor = deps.wf.steps.find((x) => x.scope === 'supervisor');
  const online = supervisor ? confirmedOnline(record.formToken, record.rows.get(supervisor.key)) : null;
  if (online) view.steps = view.steps.map((x) => (x.key === supervisor!.key ? { ...x, code: online.code } : x));
  return statusCard({ ...view, ownLanguage: !staffSteps });
}

export async function myStatus(deps: Deps, s: Session): Promise<Card> {
  const lang = s.me?.lang ?? 'zh';
  if (!s.me?.student) return errorCard(t(lang, 'chat.status_not_student'), 'grey', lang);
  return (await studentStatusCard(deps, s, s.me.student.studentNo, undefined, lang))!;
}
