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
  /**
   * When the rows it shows were read, on the database's clock (decided_at's): a change after it is not on the card.
   * Without it, the moment of the record, which comes after the platform's answer (and after any wait for quota).
   */
  drawnAt?: Date | null;
}

/** Records (or updates) a delivered copy; `at` is the clock's time (the database's when not given). */
export async function recordDelivered(em: EntityManager, c: DeliveredCardRow, at?: Date): Promise<void> {
  const when = at?.toISOString() ?? null;
  await em.execute(
    `insert into delivered_card (platform, message_id, person_id, kind, page, clearance_ids, response_code, response_code_at, created_at, updated_at)
     values (?, ?, ?, ?, ?, ?::int[], ?, case when ?::text is null then null else coalesce(?::timestamptz, now()) end, coalesce(?::timestamptz, now()),
             coalesce(?::timestamptz, now()))
     on conflict (platform, message_id) do update set kind = excluded.kind, page = excluded.page, clearance_ids = excluded.clearance_ids,
       response_code = coalesce(excluded.response_code, delivered_card.response_code),
       response_code_at = coalesce(excluded.response_code_at, delivered_card.response_code_at), updated_at = excluded.updated_at`,
    [
      c.platform,
      c.messageId,
      c.personId,
      c.kind,
      c.page,
      pgIntArray(c.clearanceIds),
      c.responseCode ?? null,
      c.responseCode ?? null,
      when,
      when,
      c.drawnAt?.toISOString() ?? null,
    ],
  );
}

/** The database's clock now: when a card about to be built from its rows was drawn (DeliveredCardRow.drawnAt). */
export async function drawnNow(em: EntityManager): Promise<Date> {
  const [row] = await em.execute<{ at: Date }[]>('select now() as at');
  return new Date(row!.at);
}

/** A person's delivered copy, by platform and message. */
export interface DrawnCopy {
  platform: string;
  messageId: string;
  personId: number;
}

/**
 * Whether nobody else decided a row of copy `d` since it was last drawn: the condition for marking it drawn by its own
 * person's tap (an update's WHERE; the decision's write uses it too). Someone else's decision may not be in the answer.
 */
export const ONLY_OWN_DECISIONS_SINCE_DRAWN = `not exists (select 1 from clearance c where c.id = any(d.clearance_ids) and c.decided_at >= d.updated_at
                           and c.decided_by_id is distinct from d.person_id)`;

/**
 * The tapper's copy was just redrawn by the tap's own answer: mark it drawn now, so the copies window does not patch it
 * again with what it already shows. Only when every decision on its rows since it was last drawn is the tapper's own
 * (someone else's may not be in the answer yet: then the window's patch still comes).
 */
export async function markDrawnByTap(
  em: EntityManager,
  platform: string,
  messageId: string,
  personId: number,
): Promise<void> {
  await em.execute(
    `update delivered_card d set updated_at = now()
      where d.platform = ? and d.message_id = ? and d.person_id = ? and ${ONLY_OWN_DECISIONS_SINCE_DRAWN}`,
    [platform, messageId, personId],
  );
}

/**
 * How long a delivered card can still be changed on its platform. Feishu: a card JSON 2.0 message can be updated, and
 * its buttons answer, for 14 days after it was sent (https://open.feishu.cn/document/uAjLw4CM/ukzMukzMukzM/feishu-cards/card-json-v2-breaking-changes-release-notes).
 * WeCom: a card is redrawn with a response_code, which works once and for 72 hours after WeCom issued it (with the send,
 * or with the last tap on the card) (https://developer.work.weixin.qq.com/document/path/94888).
 */
export const CARD_WINDOW_MS = { feishu: 14 * 24 * 3600_000, wecom: 72 * 3600_000 } as const;

/** Takes a card's unused WeCom update code (younger than 72 h at `now`): it works once, so taking it clears it. */
export async function takeResponseCode(
  em: EntityManager,
  platform: string,
  messageId: string,
  now: Date = new Date(),
): Promise<string | null> {
  const [row] = await em.execute<{ code: string }[]>(
    `update delivered_card d set response_code = null, response_code_at = null
       from (select response_code as code from delivered_card where platform = ? and message_id = ? and response_code is not null
               and response_code_at > ?::timestamptz - interval '72 hours' for update) old
      where d.platform = ? and d.message_id = ? returning old.code`,
    [platform, messageId, now.toISOString(), platform, messageId],
  );
  return row?.code ?? null;
}

/**
 * Copies on `platform` showing any of these clearances that can still be changed at `now`: Feishu cards sent less than
 * 14 days ago, WeCom cards holding an update code younger than 72 h. Copies past their window are left as they are:
 * a call on them would only spend quota on an error.
 */
export async function cardsShowing(
  em: EntityManager,
  platform: 'feishu' | 'wecom',
  clearanceIds: number[],
  now: Date = new Date(),
): Promise<DeliveredCardRow[]> {
  if (!clearanceIds.length) return [];
  const live =
    platform === 'feishu'
      ? `created_at > ?::timestamptz - interval '14 days'`
      : `response_code is not null and response_code_at > ?::timestamptz - interval '72 hours'`;
  return em.execute(
    `select platform, message_id as "messageId", person_id as "personId", kind, page, clearance_ids as "clearanceIds"
       from delivered_card where platform = ? and clearance_ids && ?::int[] and ${live}`,
    [platform, pgIntArray(clearanceIds), now.toISOString()],
  );
}

/** One delivered Feishu copy by its message id, if it can still be changed at `now` (sent less than 14 days ago). */
export async function deliveredFeishuCard(
  em: EntityManager,
  messageId: string,
  now: Date = new Date(),
): Promise<DeliveredCardRow | null> {
  const [row] = await em.execute<DeliveredCardRow[]>(
    `select platform, message_id as "messageId", person_id as "personId", kind, page, clearance_ids as "clearanceIds"
       from delivered_card where platform = 'feishu' and message_id = ? and created_at > ?::timestamptz - interval '14 days'`,
    [messageId, now.toISOString()],
  );
  return row ?? null;
}
