// Turns changes into notices and queues each for the platforms on which its person can be reached.
import type { EntityManager } from '@mikro-orm/postgresql';
import { noticesFor, type Deps } from '../../handlers/index.ts';
import { deliver, type DeliveryPlatform } from '../../src/delivery/deliver.ts';
import type { ChangeListener } from '../../src/queue/worker.ts';
import { readCommitted } from '../../src/db/retry.ts';

export function notifyListener(deps: Deps, platforms: DeliveryPlatform[]): ChangeListener {
  // One transaction: a "ready" notice's claim (noticesFor) commits with its sends, so a failed send leaves it unclaimed.
  return async ({ changes }) => {
    await readCommitted(deps.orm.em.fork() as EntityManager, async (t) =>
      deliver(t, platforms, await noticesFor(deps, changes, t)),
    );
  };
}
