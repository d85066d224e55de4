// Turns changes into notices and queues each for the platforms on which its person can be reached, outside quiet hours.
import type { EntityManager } from '@mikro-orm/postgresql';
import { noticesFor, type Deps } from '../../handlers/index.ts';
import { deliver, type DeliveryPlatform } from '../../src/delivery/deliver.ts';
import type { ChangeListener } from '../../src/queue/worker.ts';
import { quietHoursEnd } from '../../handlers/jobs/slots.ts';

/** Notices nobody asked for (a step passed at 23:00) are queued to go out when quiet hours end, never dropped. */
export function notifyListener(deps: Deps, platforms: DeliveryPlatform[]): ChangeListener {
  return async ({ changes, cause }) => {
    const runAt = quietHoursEnd(deps.quietHours, deps.now?.() ?? new Date(), deps.timeZone) ?? undefined;
    await deliver(deps.orm.em.fork() as EntityManager, platforms, await noticesFor(deps, changes, cause), runAt);
  };
}
