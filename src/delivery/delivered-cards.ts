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
}

export async function recordDelivered(em: EntityManager, c: DeliveredCardRow): Promise<void> {
  await em.execute(
    `insert into delivered_card (platform, message_id, person_id, kind, page, clearance_ids) values (?, ?, ?, ?, ?, ?::int[])
     on conflict (platform, message_id) do update set kind = excluded.kind, page = excluded.page, clearance_ids = excluded.clearance_ids, updated_at = now()`,
    [c.platform, c.messageId, c.personId, c.kind, c.page, pgIntArray(c.clearanceIds)],
  );
}

/** Copies on `platform` showing any of these clearances, young enough to be updated (Feishu: 14 days). */
export async function cardsShowing(em: EntityManager, platform: string, clearanceIds: number[], maxAgeDays = 14): Promise<DeliveredCardRow[]> {
  if (!clearanceIds.length) return [];
  return em.execute(
    `select platform, message_id as "messageId", person_id as "personId", kind, page, clearance_ids as "clearanceIds"
       from delivered_card where platform = ? and clearance_ids && ?::int[] and created_at > now() - make_interval(days => ?)`,
    [platform, pgIntArray(clearanceIds), maxAgeDays],
  );
}

/** What one of a person's delivered cards showed (by person id, or by their Feishu open_id); another person's message gives nothing. */
export async function deliveredTo(em: EntityManager, platform: string, messageId: string, to: { personId: number } | { feishuOpenId: string }): Promise<DeliveredCardRow | null> {
  const [row] = await em.execute<DeliveredCardRow[]>(
    `select d.platform, d.message_id as "messageId", d.person_id as "personId", d.kind, d.page, d.clearance_ids as "clearanceIds"
       from delivered_card d join person p on p.id = d.person_id
      where d.platform = ? and d.message_id = ? and ${'personId' in to ? 'p.id = ?' : 'p.feishu_open_id = ?'}`,
    [platform, messageId, 'personId' in to ? to.personId : to.feishuOpenId],
  );
  return row ?? null;
}
