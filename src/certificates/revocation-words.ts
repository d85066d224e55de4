// Why a certificate was revoked, in the words the student, staff and a verifier read, in Chinese or English.
import { stepName } from '../workflow/load.ts';
import type { Workflow } from '../workflow/schema.ts';

const WORDS = {
  zh: {
    reopened: (step: string) => `${step}的办理结果被撤销`,
    purged: '该届学生数据已清除',
    superseded: '已签发新的离校证明',
    not_complete: '离校手续未全部办完',
  },
  en: {
    reopened: (step: string) => `the ${step} step was revoked`,
    purged: "the season's student records were erased",
    superseded: 'a newer certificate was issued',
    not_complete: 'not every step is done',
  },
} as const;

export function revocationWords(reason: string | undefined | null, wf: Workflow, lang: 'zh' | 'en' = 'zh'): string {
  if (!reason) return '';
  const w = WORDS[lang];
  if (reason.startsWith('reopened:')) {
    const key = reason.slice('reopened:'.length);
    const step = wf.steps.find((s) => s.key === key);
    return w.reopened(step ? stepName(step, lang) : key);
  }
  return reason === 'purged' || reason === 'superseded' || reason === 'not_complete' ? w[reason] : reason;
}
