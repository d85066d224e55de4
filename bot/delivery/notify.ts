// Turns changes into notices and queues each for the platforms on which its person can be reached, outside quiet hours.
import type { EntityManager } from '@mikro-orm/postgresql';
import { noticesFor, type Deps } from '../../handlers/index.ts';
import { deliver, type DeliveryPlatform } from '../../src/delivery/deliver.ts';
import type { ChangeListener } from '../../src/queue/worker.ts';
import { quietHoursEnd } from '../../handlers/jobs/slots.ts';
import { readCommitted } from '../../src/db/retry.ts';

/** Notices nobody asked for (a step passed at 23:00) are queued to go out when quiet hours end, never dropped. */
export function notifyListener(deps: Deps, platforms: DeliveryPlatform[]): ChangeListener {
  // One transaction: a "ready" notice's claim (noticesFor) commits with its sends, so a failed send leaves it unclaimed.
  return async ({ changes, cause }) => {
    const runAt = quietHoursEnd(deps.quietHours, deps.now?.() ?? new Date(), deps.timeZone) ?? undefined;
    await readCommitted(deps.orm.em.fork() as EntityManager, async (t) =>
      deliver(t, platforms, await noticesFor(deps, changes, cause, t), runAt),
    );
  };
}
