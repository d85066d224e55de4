// A student's status card: every step in workflow order, and for open steps what to bring, where and whom to call.
import { type Block, type Card, type StepState } from '../model.ts';
import { formatDate, list, translator, type Lang, type T } from '../i18n/index.ts';

export interface StatusStepView {
  key: string;
  name: string;
  office: string;
  state: StepState;
  decidedBy?: string | null;
  decidedAt?: string | null;
  reason?: string | null;
  amount?: string | null;
  duties: string[];
  notes?: string;
  location?: string;
  phones: string[];
  /** names of required steps still open (the final gate) */
  waitsFor?: string[];
  /** the supervisor's online confirmation code, as printed on the 确认书 */
  code?: string;
}

export interface StatusView {
  studentNo: string;
  name: string;
  college: string;
  campus: string | null;
  exitType: string;
  deadline: string | null;
  steps: StatusStepView[];
  /** the supervisor confirmation form (导师准许离校确认书), prefilled */
  formUrl?: string;
  /** the reader's language (Chinese when absent); step texts come already in it, from the workflow file */
  lang?: Lang;
  /** the reader's own card: it says which language it is in and how to switch (not when staff look at a student) */
  ownLanguage?: boolean;
}

/** What matters about a step (why it is open, what it waits for), then the details (what to bring, where, whom to call). */
function stepLines(s: StatusStepView, t: T, lang: Lang): { lines: string[]; more: string[] } {
  if (s.state === 'passed')
    return {
      lines: [],
      more: [
        [s.decidedBy, s.decidedAt].filter(Boolean).join(' '),
        s.code ? t('status.confirmation_code', { code: s.code }) : '',
      ].filter(Boolean),
    };
  if (s.state === 'not_applicable') return { lines: [], more: [] };
  const lines: string[] = [];
  // The office's reason is shown as the office wrote it, in any language.
  if (s.state === 'returned' && s.reason) lines.push(t('status.returned_reason', { reason: s.reason }));
  if (s.state === 'pending' && s.reason)
    lines.push(t('status.held_reason', { reason: s.reason }) + (s.amount ? t('amount', { amount: s.amount }) : ''));
  // What the final step waits for is the other open steps, which the card lists anyway: a detail.
  const more = [
    ...(s.waitsFor?.length ? [t('status.waits_for', { steps: list(lang, s.waitsFor) })] : []),
    t('status.duties', { duties: s.duties.join(t('list.semi')) }),
  ];
  if (s.location) more.push(t('status.location', { location: s.location }));
  if (s.phones.length) more.push(t('status.phones', { phones: list(lang, s.phones) }));
  return { lines, more };
}

export function statusCard(v: StatusView): Card {
  const lang = v.lang ?? 'zh';
  const t = translator(lang);
  const open = v.steps.filter((s) => s.state === 'pending' || s.state === 'returned');
  const returned = open.filter((s) => s.state === 'returned').length;
  const blocks: Block[] = [
    {
      kind: 'fields',
      fields: [
        { label: t('status.student_no'), short: t('status.student_no_short'), value: v.studentNo },
        { label: t('status.college'), short: t('status.college_short'), value: v.college },
        { label: t('status.campus'), short: t('status.campus_short'), value: v.campus ?? t('status.no_campus') },
        {
          label: t('status.deadline'),
          short: t('status.deadline_short'),
          value: v.deadline ? formatDate(lang, v.deadline) : t('status.no_deadline'),
        },
      ],
    },
    { kind: 'divider' },
    ...v.steps.map((s): Block => ({ kind: 'step', name: s.name, state: s.state, ...stepLines(s, t, lang) })),
  ];
  if (v.formUrl && open.some((s) => s.key === 'academic_secretary'))
    blocks.push(
      { kind: 'divider' },
      // 15 characters: WeCom's jump_list title is "建议不超过18个字" (developer.work.weixin.qq.com/document/path/90236).
      { kind: 'link', label: t('status.form_link'), url: v.formUrl },
    );
  const summary =
    open.length === 0
      ? t('status.all_done')
      : t('status.open', { count: open.length }) + (returned ? t('status.returned', { count: returned }) : '');
  // The summary first: WeCom shows 160 characters of text, and what is left to do is what a student reads the card for.
  blocks.unshift({ kind: 'text', text: `**${summary}${t('stop')}**` });
  if (open.length) blocks.push({ kind: 'note', text: t('status.will_update'), detail: true });
  if (v.ownLanguage) blocks.push({ kind: 'note', text: t('status.language'), detail: true });
  return {
    type: 'status',
    lang,
    title: t('status.title', { name: v.name }),
    tone: open.length === 0 ? 'green' : returned ? 'orange' : 'blue',
    summary,
    blocks,
  };
}
