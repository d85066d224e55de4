// Cards sent on a platform and what they show, to find every copy that must change when a clearance does.
import type { EntityManager } from '@mikro-orm/postgresql';
import { pgIntArray } from '../db/pg-array.ts';

export interface DeliveredCardRow {
  platform: string;
  messageId: string;
  personId: number;
  kind: string;
  page: number;
  clearanceIds: number[];
  /** WeCom's single-use update code for this card, if one is unused */
  responseCode?: string | null;
}

export async function recordDelivered(em: EntityManager, c: DeliveredCardRow): Promise<void> {
  await em.execute(
    `insert into delivered_card (platform, message_id, person_id, kind, page, clearance_ids, response_code, response_code_at)
     values (?, ?, ?, ?, ?, ?::int[], ?, case when ?::text is null then null else now() end)
     on conflict (platform, message_id) do update set kind = excluded.kind, page = excluded.page, clearance_ids = excluded.clearance_ids,
       response_code = coalesce(excluded.response_code, delivered_card.response_code),
       response_code_at = coalesce(excluded.response_code_at, delivered_card.response_code_at), updated_at = now()`,
    [
      c.platform,
      c.messageId,
      c.personId,
      c.kind,
      c.page,
      pgIntArray(c.clearanceIds),
      c.responseCode ?? null,
      c.responseCode ?? null,
    ],
  );
}

/** Takes a card's unused WeCom update code (younger than 72 h): it works once, so taking it clears it. */
export async function takeResponseCode(em: EntityManager, platform: string, messageId: string): Promise<string | null> {
  const [row] = await em.execute<{ code: string }[]>(
    `update delivered_card d set response_code = null, response_code_at = null
       from (select response_code as code from delivered_card where platform = ? and message_id = ? and response_code is not null
               and response_code_at > now() - interval '72 hours' for update) old
      where d.platform = ? and d.message_id = ? returning old.code`,
    [platform, messageId, platform, messageId],
  );
  return row?.code ?? null;
}

/** Copies on `platform` showing any of these clearances, young enough to be updated (Feishu: 14 days). */
export async function cardsShowing(
  em: EntityManager,
  platform: string,
  clearanceIds: number[],
  maxAgeDays = 14,
): Promise<DeliveredCardRow[]> {
  if (!clearanceIds.length) return [];
  return em.execute(
    `select platform, message_id as "messageId", person_id as "personId", kind, page, clearance_ids as "clearanceIds"
       from delivered_card where platform = ? and clearance_ids && ?::int[] and created_at > now() - make_interval(days => ?)`,
    [platform, pgIntArray(clearanceIds), maxAgeDays],
  );
}

/** One delivered copy by its message id, if it is young enough to be updated. */
export async function deliveredCard(
  em: EntityManager,
  platform: string,
  messageId: string,
  maxAgeDays = 14,
): Promise<DeliveredCardRow | null> {
  const [row] = await em.execute<DeliveredCardRow[]>(
    `select platform, message_id as "messageId", person_id as "personId", kind, page, clearance_ids as "clearanceIds"
       from delivered_card where platform = ? and message_id = ? and created_at > now() - make_interval(days => ?)`,
    [platform, messageId, maxAgeDays],
  );
  return row ?? null;
}
