// Turns a student's record into the status card's view: contacts for their campus, times in the university's zone.
import type { StatusView } from '../../cards/index.ts';
import type { StudentStatus } from '../../src/reports/student-status.ts';
import { contactFor, locationFor, stepName, stepOf, stepTexts } from '../../src/workflow/load.ts';
import type { Workflow } from '../../src/workflow/schema.ts';
import { localDateTime } from '../../src/time.ts';

export function statusView(
  s: StudentStatus,
  wf: Workflow,
  timeZone: string,
  formUrl: string | undefined,
  amounts: Record<string, string | null> = {},
  lang: 'zh' | 'en' = 'zh',
): StatusView {
  const open = new Set(s.steps.filter((x) => x.status === 'pending' || x.status === 'returned').map((x) => x.key));
  return {
    studentNo: s.student_no,
    name: s.name,
    college: s.college,
    campus: s.campus,
    exitType: s.exit_type,
    deadline: s.deadline,
    formUrl,
    lang,
    steps: s.steps.map((x) => {
      const def = stepOf(wf, x.key)!;
      const contact = contactFor(def, s.campus);
      const texts = stepTexts(def, lang);
      return {
        key: x.key,
        name: lang === 'zh' ? x.name : texts.name,
        office: texts.office,
        state: x.status,
        decidedBy: x.decided_by,
        decidedAt: x.decided_at ? localDateTime(new Date(x.decided_at), timeZone) : null,
        reason: x.reason,
        amount: amounts[x.key] ?? null,
        // "mark as passed in the system" is the office's job, not the student's (read off the Chinese, in any language)
        duties: texts.duties.filter((d) => !d.zh.includes('标记')).map((d) => d.text),
        notes: texts.notes,
        location: locationFor(def, s.campus, lang),
        phones: contact?.phones ?? [],
        waitsFor: open.has(x.key)
          ? def.requires.filter((r) => open.has(r)).map((r) => stepName(stepOf(wf, r)!, lang))
          : [],
      };
    }),
  };
}
