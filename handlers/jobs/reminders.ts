// Student reminders: what is left, on the days set before the deadline (7 / 3 / 1) and every day after it.
import { reminderCard } from '../../cards/index.ts';
import { remindersDue } from '../../src/reports/overdue.ts';
import { deliver } from '../../src/delivery/deliver.ts';
import type { JobDef } from './types.ts';
import { langsOf } from '../../src/people/lang.ts';
import { stepName } from '../../src/workflow/load.ts';

export const remindJob: JobDef = {
  name: 'remind',
  description: 'students with open steps are reminded before their deadline and daily after it',
  at: { hour: 10, minute: 5 },
  sends: true,
  run: async ({ em, wf, slot, deps, settings, sendAt }) => {
    // as of the slot's day: a slot run late (the next morning) reminds whom that day's run would have
    const due = await remindersDue(em, wf, slot, settings.remindDays);
    const langs = await langsOf(
      em,
      due.map((r) => r.personId),
    );
    const items = due.map((r) => {
      const lang = langs.get(r.personId) ?? 'zh';
      // the report names steps in Chinese (the workflow's key texts); an English reader gets the file's English
      const openSteps = r.openSteps.map((n) => {
        const step = wf.steps.find((s) => s.name === n);
        return step ? stepName(step, lang) : n;
      });
      return {
        personId: r.personId,
        card: reminderCard({ ...r, openSteps, lang }),
        key: `remind_${slot}_${r.studentId}`,
      };
    });
    return { reminded: items.length, queued: await deliver(em, deps.platforms ?? [], items, sendAt, 'bulk') };
  },
};
