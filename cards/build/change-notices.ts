// The notices of a changed step, in the reader's language: passed, returned, held, undone, and "ready" for the office.
import type { Card } from '../model.ts';
import { list, translator, type Lang } from '../i18n/index.ts';
import { noticeCard } from './message-cards.ts';

/** What happened to one of a student's steps; `reason` and `amount` are the office's own, never translated. */
export type StepChange =
  | { kind: 'passed'; step: string; open: number }
  /** a supervisor's 同意离校: the form's items, confirmed online */
  | { kind: 'agreed'; step: string; duties: string[]; open: number }
  /** a supervisor's 暂不同意, with their reason */
  | { kind: 'declined'; step: string; reason: string | null }
  | { kind: 'returned'; step: string; reason: string | null }
  | { kind: 'held'; step: string; reason: string; amount?: string | null }
  | { kind: 'undone'; step: string }
  | { kind: 'reset'; step: string };

export function changeNotice(c: StepChange, lang: Lang = 'zh'): Card {
  const t = translator(lang);
  const step = c.step;
  switch (c.kind) {
    case 'passed':
      return noticeCard({
        lang,
        title: t('notice.passed_title', { step }),
        text: t('notice.passed', { step, count: c.open }),
        tone: 'green',
      });
    case 'agreed':
      return noticeCard({
        lang,
        title: t('notice.agreed_title', { step }),
        text: t('notice.agreed', { step, duties: list(lang, c.duties), count: c.open }),
        tone: 'green',
      });
    case 'declined':
      return noticeCard({
        lang,
        title: t('notice.declined_title', { step }),
        text: t('notice.declined', { step, reason: c.reason ?? '' }),
        tone: 'orange',
        lines: [t('notice.declined_hint')],
      });
    case 'returned':
      return noticeCard({
        lang,
        title: t('notice.returned_title', { step }),
        text: t('notice.returned', { step, reason: c.reason ?? '' }),
        tone: 'orange',
        lines: [t('notice.returned_hint')],
      });
    case 'held':
      return noticeCard({
        lang,
        title: t('notice.held_title', { step }),
        text: t('notice.held', { step, reason: c.reason }) + (c.amount ? t('amount', { amount: c.amount }) : ''),
        tone: 'orange',
      });
    case 'undone':
      return noticeCard({
        lang,
        title: t('notice.undone_title', { step }),
        text: t('notice.undone', { step }),
        tone: 'orange',
        lines: [t('notice.undone_hint')],
      });
    case 'reset':
      return noticeCard({
        lang,
        title: t('notice.reset_title', { step }),
        text: t('notice.reset', { step }),
        tone: 'orange',
      });
  }
}

/** To the office of a gated step: every step it waits for has passed. */
export function readyNotice(v: { studentNo: string; name: string; step: string }, lang: Lang = 'zh'): Card {
  const t = translator(lang);
  return noticeCard({
    lang,
    title: t('notice.ready_title', v),
    text: t('notice.ready', v),
    tone: 'blue',
    lines: [t('notice.ready_hint')],
  });
}

/**
 * Several changes told at once: "财务处、校医院 已通过，还有 3 项待办理", with the other changes' own lines below.
 * `passed`: names of the steps passed, in workflow order; `others`: the other changes' summaries, already in `lang`.
 */
export function digestNotice(
  v: { changes: number; passed: string[]; others: string[]; open: number },
  lang: Lang = 'zh',
): Card {
  const t = translator(lang);
  const head = v.passed.length ? t('digest.passed', { steps: list(lang, v.passed) }) : t('digest.updated');
  return noticeCard({
    lang,
    title: t('digest.title', { count: v.changes }),
    text: t('digest.text', { head, count: v.open }),
    summary:
      t('digest.summary_passed', { count: v.passed.length }) +
      (v.others.length ? t('digest.summary_changed', { count: v.others.length }) : '') +
      t('digest.summary_open', { count: v.open }),
    tone: v.others.length ? 'orange' : 'green',
    lines: v.others,
  });
}
