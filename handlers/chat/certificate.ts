// 证明 / certificate: a student's 离校证明 (issued once every step has passed); staff see it under 查 学号.
import { certificateCard, errorCard, t, type Card, type CertificateCardView, type Lang } from '../../cards/index.ts';
import type { EntityManager } from '@mikro-orm/postgresql';
import { certificateFor } from '../../src/certificates/issue.ts';
import { revocationWords } from '../../src/certificates/revocation-words.ts';
import { localDateTime } from '../../src/time.ts';
import { stepName, stepOf } from '../../src/workflow/load.ts';
import type { Session } from '../session.ts';
import type { Deps } from '../types.ts';

/** The certificate card's view for a student, issuing the certificate if it is due; null for an unknown number. */
export async function certificateView(
  deps: Deps,
  em: EntityManager,
  studentNo: string,
  name: string,
  lang: Lang = 'zh',
): Promise<CertificateCardView | null> {
  if (!deps.signer) return { status: 'unavailable', studentNo, name, lang };
  let state;
  try {
    state = await certificateFor(em, deps.signer, deps.publicUrl, studentNo);
  } catch {
    // The signer has logged why (a missing secret, an unreadable key file); the person is told to ask again later.
    return { status: 'unavailable', studentNo, name, lang };
  }
  if (!state) return null;
  const at = (iso: string | undefined) => (iso ? localDateTime(new Date(iso), deps.timeZone) : undefined);
  return {
    status: state.status,
    lang,
    studentNo,
    name: state.name,
    url: state.url,
    completedAt: at(state.claims?.completed_at),
    openSteps: state.openSteps?.map((k) => {
      const step = stepOf(deps.wf, k);
      return step ? stepName(step, lang) : k;
    }),
    revokedAt: at(state.revokedAt),
    revokedWhy: revocationWords(state.revokedReason, deps.wf, lang),
  };
}

export async function myCertificate(deps: Deps, s: Session): Promise<Card> {
  const student = s.me?.student;
  const lang = s.me?.lang ?? 'zh';
  if (!student) return errorCard(t(lang, 'chat.cert_not_student'), 'grey', lang);
  const view = await certificateView(deps, s.em, student.studentNo, s.me!.name, lang);
  return view ? certificateCard(view) : errorCard(t(lang, 'chat.no_student_record'), 'grey', lang);
}

/** For 查 学号: the student's certificate as staff see it. */
export async function staffCertificateCard(
  deps: Deps,
  s: Session,
  studentNo: string,
  lang: Lang = 'zh',
): Promise<Card | null> {
  if (!deps.signer) return null;
  const view = await certificateView(deps, s.em, studentNo, '', lang);
  // Not complete: the status card above already lists what is open.
  if (!view || view.status === 'not_complete') return null;
  return certificateCard({ ...view, forStaff: true });
}
