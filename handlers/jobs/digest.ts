// The college admins' daily digest: open and overdue students per step, a chart, and a button to nudge the busiest office.
import { collegeDigestCard } from '../../cards/index.ts';
import { collegeDigests } from '../../src/reports/overdue.ts';
import { deliver, type Delivery } from '../../src/delivery/deliver.ts';
import { unattendedOffices } from '../../src/reports/unattended.ts';
import { routeTo } from '../../src/delegations/route.ts';
import type { JobDef } from './types.ts';

export const digestJob: JobDef = {
  name: 'digest',
  description:
    "each college admin (or their stand-in) gets their college's open and overdue students per step, and the offices whose handlers are all away uncovered (nothing is sent when nothing is open)",
  at: { hour: 9, minute: 5 },
  sends: true,
  run: async ({ em, wf, slot, deps, settings, sendAt, now }) => {
    // as of the slot's day: a slot run late (after quiet hours, the next morning) is that day's digest
    const digests = await collegeDigests(em, wf, slot, settings.nearDays);
    const unattended = await unattendedOffices(em, wf, now);
    const admins = await em.execute<{ person_id: number; college_id: number }[]>(
      "select distinct person_id, college_id from assignment where role = 'college_admin' and ended_at is null and college_id is not null order by person_id",
    );
    // an admin who is away: their digest goes to their stand-in (nobody's, with nobody named)
    const to = await routeTo(
      em,
      admins.map((a) => a.person_id),
      now,
    );
    const items: Delivery[] = [];
    for (const d of digests) {
      if (!d.openStudents) continue; // a digest with nothing to say is not sent
      const busiest = [...d.perStep].sort((a, b) => b.open - a.open)[0];
      const away = unattended.filter((u) => u.collegeId === d.collegeId);
      const card = collegeDigestCard(away.length ? { ...d, unattended: away } : d, {
        nudge: busiest && { step: busiest.step, name: busiest.name, open: busiest.open },
        // the console's progress page, where it is served: every college and step, beyond what a card holds
        progressUrl: deps.platforms?.includes('console') ? `${deps.publicUrl}/console/progress` : undefined,
      });
      const readers = new Set(admins.filter((x) => x.college_id === d.collegeId).map((a) => to.get(a.person_id)));
      for (const personId of readers)
        if (personId) items.push({ personId, card, key: `digest_${slot}_${d.collegeId}_${personId}` });
    }
    return {
      colleges: digests.length,
      digests: items.length,
      queued: await deliver(em, deps.platforms ?? [], items, sendAt, 'bulk'),
    };
  },
};
