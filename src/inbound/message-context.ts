// A chat message's context in one round trip: was this delivery handled before, and who wrote it.
import type { EntityManager } from '@mikro-orm/postgresql';
import { prepared } from '../db/prepared.ts';
import { metrics } from '../metrics/metrics.ts';
import { identitySelect, toIdentity, type Identity, type IdentityRow, type Platform } from '../people/identify.ts';

export interface MessageContext {
  /** the delivery key is claimed already (a platform's retry of a message answered before): answer nothing */
  seen: boolean;
  me: Identity | null;
}

/**
 * The two questions every message asks before it is answered, asked together: whether `dedupeKey` was claimed
 * (the claim itself is made with the answer: claimAndEnqueue) and who wrote (as identify).
 */
export async function messageContext(
  em: EntityManager,
  platform: Exclude<Platform, 'console'>,
  who: { userId: string; altId?: string },
  dedupeKey: string,
  at?: Date,
): Promise<MessageContext> {
  const person = identitySelect(platform, who.userId, who.altId, at);
  const [row] = await prepared<Partial<IdentityRow> & { seen: boolean }>(
    em,
    `select exists (select 1 from inbound_event where platform = ?::text and event_key = ?::text) as seen, me.*
       from (select 1) as one left join (${person.sql}) as me on true`,
    [platform, dedupeKey.slice(0, 200), ...person.params],
  );
  const seen = row!.seen;
  if (seen) metrics.refused(platform, 'replayed');
  return { seen, me: row?.id ? toIdentity(row as IdentityRow) : null };
}
