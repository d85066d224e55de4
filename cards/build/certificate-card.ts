// The certificate (离校证明) in chat: its link once issued, what is missing before it, or that it was revoked.
import type { Block, Card } from '../model.ts';
import { list, translator, type Lang } from '../i18n/index.ts';

export interface CertificateCardView {
  status: 'issued' | 'not_complete' | 'revoked' | 'unavailable';
  studentNo: string;
  name: string;
  /** the printable, verifiable page */
  url?: string;
  /** local date and time of completion */
  completedAt?: string;
  /** names of the steps still open */
  openSteps?: string[];
  revokedAt?: string;
  /** why, in words */
  revokedWhy?: string;
  /** a member of staff looks (查 学号), not the student */
  forStaff?: boolean;
  /** the completion notice: the student's last step has just passed */
  justCompleted?: { stepName: string };
  /** the reader's language (Chinese when absent) */
  lang?: Lang;
}

export function certificateCard(v: CertificateCardView): Card {
  const lang = v.lang ?? 'zh';
  const t = translator(lang);
  const who = v.forStaff ? t('cert.theirs', { name: v.name, studentNo: v.studentNo }) : t('cert.yours');
  const blocks: Block[] = [];
  let summary: string;
  let tone: Card['tone'];
  const done = v.justCompleted && t('cert.just_done', { step: v.justCompleted.stepName });
  // WeCom shows a summary of 44 characters: the completion's own line may be longer than that in English.
  const doneSummary = v.justCompleted && t('cert.done_summary', { step: v.justCompleted.stepName });
  if (v.status === 'issued') {
    summary = doneSummary || t('cert.issued', { who, at: v.completedAt ?? '' });
    tone = 'green';
    blocks.push({ kind: 'text', text: done || summary });
    if (v.justCompleted) blocks.push({ kind: 'text', text: t('cert.issued_done', { at: v.completedAt ?? '' }) });
    blocks.push({ kind: 'link', label: t('cert.link'), url: v.url! });
    blocks.push({ kind: 'note', text: t('cert.issued_note'), detail: true });
  } else if (v.status === 'unavailable') {
    summary = doneSummary || t('cert.unavailable');
    tone = v.justCompleted ? 'green' : 'orange';
    blocks.push({ kind: 'text', text: done || summary });
    blocks.push({ kind: 'note', text: t('cert.unavailable_note') });
  } else if (v.status === 'revoked') {
    summary = t('cert.revoked', { who, why: v.revokedWhy ? t('cert.revoked_why', { why: v.revokedWhy }) : '' });
    tone = 'red';
    blocks.push({ kind: 'text', text: summary });
    if (v.revokedAt) blocks.push({ kind: 'fields', fields: [{ label: t('cert.revoked_at'), value: v.revokedAt }] });
    blocks.push({ kind: 'note', text: t('cert.revoked_note') });
  } else {
    const open = v.openSteps ?? [];
    summary = t('cert.open', { who, count: open.length });
    tone = 'grey';
    blocks.push({ kind: 'text', text: summary });
    if (open.length) blocks.push({ kind: 'note', text: t('cert.open_steps', { steps: list(lang, open) }) });
  }
  return {
    type: v.justCompleted ? 'notice' : 'certificate',
    lang,
    title: v.justCompleted
      ? t('cert.title_done')
      : v.forStaff
        ? t('cert.title_staff', { studentNo: v.studentNo, name: v.name })
        : t('cert.title'),
    tone,
    summary,
    blocks,
  };
}
