// The weekly escalation: school admins see which offices hold the most overdue students (the handbook's 抽查 made easy).
import { escalationCard } from '../../cards/index.ts';
import { officeBacklog } from '../../src/reports/overdue.ts';
import { deliver } from '../../src/delivery/deliver.ts';
import { localDate } from '../../src/time.ts';
import { recipientsOf } from '../../src/delegations/route.ts';
import type { JobDef } from './types.ts';

export const escalateJob: JobDef = {
  name: 'escalate',
  description: 'school admins get a weekly summary of overdue students per office',
  at: { hour: 9, minute: 35, weekday: 1 },
  sends: true,
  run: async ({ em, wf, now, timeZone, slot, deps, sendAt }) => {
    const rows = (await officeBacklog(em, wf, localDate(now, timeZone))).filter((r) => r.overdue > 0);
    if (!rows.length) return { offices: 0, queued: 0 };
    const admins = await em.execute<{ person_id: number }[]>(
      "select distinct person_id from assignment where role = 'school_admin' and ended_at is null",
    );
    const card = escalationCard(rows, slot);
    // an admin who is away: to their stand-in
    const to = await recipientsOf(
      em,
      admins.map((a) => a.person_id),
      now,
    );
    const items = to.map((personId) => ({ personId, card, key: `escalate_${slot}_${personId}` }));
    return { offices: rows.length, queued: await deliver(em, deps.platforms ?? [], items, sendAt, 'bulk') };
  },
};
