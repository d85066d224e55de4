// Turns changes into notices and queues each for the platforms on which its person can be reached.
import type { EntityManager } from '@mikro-orm/postgresql';
import { noticesFor, type Deps } from '../../handlers/index.ts';
import { deliver, type DeliveryPlatform } from '../../src/delivery/deliver.ts';
import type { ChangeListener } from '../../src/queue/worker.ts';

export function notifyListener(deps: Deps, platforms: DeliveryPlatform[]): ChangeListener {
  return async ({ changes, cause }) => {
    await deliver(deps.orm.em.fork() as EntityManager, platforms, await noticesFor(deps, changes, cause));
  };
}
