// Office nudges: every handler with students waiting gets one list card a day, not one message per student.
import type { EntityManager } from '@mikro-orm/postgresql';
import { deliver, type Delivery } from '../../src/delivery/deliver.ts';
import { claimSlot } from '../../src/jobs/claim.ts';
import { recipientsOf } from '../../src/delegations/route.ts';
import { openSession } from '../session.ts';
import { todoCard } from '../chat/todo.ts';
import type { Deps } from '../types.ts';
import type { JobDef } from './types.ts';

/** Sends `personId` their 待办 card unless they already got a nudge today (from the job or a college admin's button). */
export async function nudgeHandler(
  deps: Deps,
  personId: number,
  today: string,
  by: string,
  em?: EntityManager,
): Promise<Delivery | null> {
  const s = await openSession(deps, { platform: 'console', userId: String(personId) });
  if (!s.me) return null;
  const card = await todoCard(deps, s, s.me, { layout: 'buttons' }, 1);
  if (!card.shows?.clearanceIds.length) return null;
  // claimed in the caller's transaction when there is one: a failed delivery leaves the person to be nudged again
  if (!(await claimSlot(em ?? s.em, `nudge:${personId}`, today, by)).claimed) return null;
  const checklist = await todoCard(deps, s, s.me, { layout: 'checklist' }, 1);
  return { personId, card, cardFor: { wecom: checklist }, key: `nudge_${today}_${personId}` };
}

export const nudgeJob: JobDef = {
  name: 'nudge',
  description:
    'every handler with students waiting gets one list card of them (a stand-in gets one card with the absent person’s students)',
  at: { hour: 9, minute: 17 },
  sends: true,
  run: async ({ em, slot, deps, sendAt, now }) => {
    const today = slot; // a slot run late (the next morning) is that day's nudge, claimed under that day
    const handlers = await em.execute<{ person_id: number }[]>(
      "select distinct person_id from assignment where role = 'handler' and ended_at is null order by person_id",
    );
    // Someone away is not nudged; their stand-in is, once, with their students on the same card (nudgeHandler's
    // card is the stand-in's 待办, which holds them).
    const nudged = await recipientsOf(
      em,
      handlers.map((h) => h.person_id),
      now,
    );
    const at = { ...deps, now: () => now };
    const items: Delivery[] = [];
    for (const personId of nudged) {
      const d = await nudgeHandler(at, personId, today, 'job', em);
      if (d) items.push(d);
    }
    return {
      handlers: handlers.length,
      nudged: items.length,
      queued: await deliver(em, deps.platforms ?? [], items, sendAt, 'bulk'),
    };
  },
};
