// 证明 / certificate: a student's 离校证明 (issued once every step has passed); staff see it under 查 学号.
import { certificateCard, errorCard, type Card, type CertificateCardView } from '../../cards/index.ts';
import type { EntityManager } from '@mikro-orm/postgresql';
import { certificateFor } from '../../src/certificates/issue.ts';
import { revocationWords } from '../../src/certificates/revocation-words.ts';
import { localDateTime } from '../../src/time.ts';
import { stepOf } from '../../src/workflow/load.ts';
import type { Session } from '../session.ts';
import type { Deps } from '../types.ts';

/** The certificate card's view for a student, issuing the certificate if it is due; null for an unknown number. */
export async function certificateView(
  deps: Deps,
  em: EntityManager,
  studentNo: string,
  name: string,
): Promise<CertificateCardView | null> {
  if (!deps.signer) return { status: 'unavailable', studentNo, name };
  let state;
  try {
    state = await certificateFor(em, deps.signer, deps.publicUrl, studentNo);
  } catch {
    // The signer has logged why (a missing secret, an unreadable key file); the person is told to ask again later.
    return { status: 'unavailable', studentNo, name };
  }
  if (!state) return null;
  const at = (iso: string | undefined) => (iso ? localDateTime(new Date(iso), deps.timeZone) : undefined);
  return {
    status: state.status,
    studentNo,
    name: state.name,
    url: state.url,
    completedAt: at(state.claims?.completed_at),
    openSteps: state.openSteps?.map((k) => stepOf(deps.wf, k)?.name ?? k),
    revokedAt: at(state.revokedAt),
    revokedWhy: revocationWords(state.revokedReason, deps.wf),
  };
}

export async function myCertificate(deps: Deps, s: Session): Promise<Card> {
  const student = s.me?.student;
  if (!student)
    return errorCard('“证明”用于获取学生本人的离校证明，您的账号没有对应的学生记录。工作人员请发送“查 学号”。', 'grey');
  const view = await certificateView(deps, s.em, student.studentNo, s.me!.name);
  return view ? certificateCard(view) : errorCard('没有找到您的学生记录。', 'grey');
}

/** For 查 学号: the student's certificate as staff see it. */
export async function staffCertificateCard(deps: Deps, s: Session, studentNo: string): Promise<Card | null> {
  if (!deps.signer) return null;
  const view = await certificateView(deps, s.em, studentNo, '');
  // Not complete: the status card above already lists what is open.
  if (!view || view.status === 'not_complete') return null;
  return certificateCard({ ...view, forStaff: true });
}
