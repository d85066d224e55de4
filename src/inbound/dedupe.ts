// Platform deliveries seen before: the first delivery of an id claims it; retries find it claimed and change nothing.
import type { EntityManager } from '@mikro-orm/postgresql';
import { prepared } from '../db/prepared.ts';
import { metrics } from '../metrics/metrics.ts';

/** True when this (platform, key) is new; false for a repeat within the retention (24 h, see the cleanup job). */
export async function firstDelivery(em: EntityManager, platform: string, key: string): Promise<boolean> {
  const rows = await prepared<{ event_key: string }>(
    em,
    'insert into inbound_event (platform, event_key) values (?, ?) on conflict do nothing returning event_key',
    [platform, key.slice(0, 200)],
  );
  if (rows.length === 0) metrics.refused(platform, 'replayed');
  return rows.length === 1;
}

/** A cheap look before doing work for a delivery that was probably handled already. */
export async function seenBefore(em: EntityManager, platform: string, key: string): Promise<boolean> {
  const rows = await em.execute('select 1 from inbound_event where platform = ? and event_key = ?', [
    platform,
    key.slice(0, 200),
  ]);
  if (rows.length > 0) metrics.refused(platform, 'replayed');
  return rows.length > 0;
}

/** Gives a delivery back when acting on it failed, so the platform's retry is acted on instead of ignored. */
export async function releaseDelivery(em: EntityManager, platform: string, key: string): Promise<void> {
  await em.execute('delete from inbound_event where platform = ? and event_key = ?', [platform, key.slice(0, 200)]);
}
