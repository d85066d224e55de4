// Platform deliveries seen before: the first delivery of an id claims it (a tap's context, a message's answer) and
// retries find it claimed and change nothing; a delivery whose handling failed is given back.
import type { EntityManager } from '@mikro-orm/postgresql';

/** Gives a delivery back when acting on it failed, so the platform's retry is acted on instead of ignored. */
export async function releaseDelivery(em: EntityManager, platform: string, key: string): Promise<void> {
  await em.execute('delete from inbound_event where platform = ? and event_key = ?', [platform, key.slice(0, 200)]);
}
