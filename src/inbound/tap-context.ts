// A card tap's context in one round trip: is it the first delivery, who tapped, and what their tapped card showed.
import type { EntityManager } from '@mikro-orm/postgresql';
import { prepared } from '../db/prepared.ts';
import { metrics } from '../metrics/metrics.ts';
import { identitySelect, toIdentity, type Identity, type IdentityRow, type Platform } from '../people/identify.ts';
import type { DeliveredCardRow } from '../delivery/delivered-cards.ts';
import { clearanceItemSelect, type ClearanceItem } from '../reports/pending-for.ts';

export interface TapContext {
  /** false when this delivery key was claimed before (a platform retry): act on nothing */
  first: boolean;
  me: Identity | null;
  /** the tapped message, when it is one of this person's delivered cards, with the rows it shows as they are now */
  copy: (DeliveredCardRow & { items: ClearanceItem[] }) | null;
}

type Row = Partial<IdentityRow> & {
  claimed: number;
  kind: string | null;
  page: number | null;
  clearance_ids: number[] | null;
  items: ClearanceItem[] | null;
};

/**
 * Four questions every tap asks before deciding anything, asked together (a tap's round trips are most of its
 * cost): the claim of `dedupeKey` (in inbound_event), the person (as identify), their own copy of `messageId`
 * (another person's message gives nothing) and that copy's rows (as clearanceItems).
 */
export async function tapContext(
  em: EntityManager,
  platform: Exclude<Platform, 'console'>,
  who: { userId: string; altId?: string },
  dedupeKey: string | undefined,
  messageId: string | undefined,
  at?: Date,
): Promise<TapContext> {
  const person = identitySelect(platform, who.userId, who.altId, at);
  const key = dedupeKey?.slice(0, 200) ?? null;
  const [row] = await prepared<Row>(
    em,
    `with claim as (insert into inbound_event (platform, event_key) select ?::text, ?::text where ?::text is not null on conflict do nothing returning 1),
          me as (${person.sql})
     select (select count(*) from claim)::int as claimed, me.*, d.kind, d.page, d.clearance_ids,
            (select json_agg(i) from (${clearanceItemSelect('c.id = any(d.clearance_ids)')}) as i) as items
       from (select 1) as one left join me on true
       left join delivered_card d on d.platform = ?::text and d.message_id = ?::text and d.person_id = me.id`,
    [platform, key, key, ...person.params, platform, messageId ?? null],
  );
  const me = row?.id ? toIdentity(row as IdentityRow) : null;
  const first = key === null || row!.claimed === 1;
  if (!first) metrics.refused(platform, 'replayed');
  return {
    first,
    me,
    copy:
      me && messageId && row!.kind
        ? {
            platform,
            messageId,
            personId: me.personId,
            kind: row!.kind,
            page: row!.page!,
            clearanceIds: row!.clearance_ids!,
            items: row!.items ?? [],
          }
        : null,
  };
}
