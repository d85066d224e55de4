// The one inbound path every platform takes once it has parsed and verified a callback: claim, identify, dispatch, queue.
import type { EntityManager } from '@mikro-orm/postgresql';
import { releaseDelivery } from '../../src/inbound/dedupe.ts';
import { messageContext } from '../../src/inbound/message-context.ts';
import { metrics } from '../../src/metrics/metrics.ts';
import { tapContext, type TapContext } from '../../src/inbound/tap-context.ts';
import { markDrawnByTap, recordDelivered } from '../../src/delivery/delivered-cards.ts';
import { claimAndEnqueue } from '../../src/queue/enqueue.ts';
import { onMessage } from '../chat/on-message.ts';
import { onTap } from '../actions/tap.ts';
import type { Caps, CardTap, ChatMessage, Deps, Reply } from '../types.ts';

export type InboundPlatform = 'feishu' | 'wecom';

export interface InboundMessage {
  platform: InboundPlatform;
  message: ChatMessage;
  /** the delivery's claim key: a platform's retry of the same message carries the same key */
  dedupeKey: string;
  /** the queue key of the i-th answer card, so a retried enqueue sends nothing twice */
  replyKey: (i: number) => string;
}

/**
 * A chat message: answered with cards queued for delivery (the platform's HTTP answer does not wait for them).
 * Returns false for a delivery seen before. The claim and the queued answers are one statement: a failure in between
 * leaves the message unclaimed, so the platform's retry is answered. Three round trips for most messages: whether it
 * was seen and who wrote it, what the answer reads, the claim with the answers.
 */
export async function receiveMessage(deps: Deps, caps: Caps, m: InboundMessage): Promise<boolean> {
  const em = deps.orm.em.fork();
  const who = m.message.who;
  const { seen, me } = await messageContext(em, m.platform, who, m.dedupeKey, deps.now?.());
  if (seen) return false;
  const cards = await onMessage(deps, m.message, caps, { em, me });
  const jobs = cards.map((card, i) => ({
    platform: m.platform,
    to: who.userId,
    card,
    key: m.replyKey(i),
    personId: me?.personId,
    shows: card.shows,
    lane: 'interactive' as const,
  }));
  const claimed = await claimAndEnqueue(em, { platform: m.platform, key: m.dedupeKey }, jobs);
  if (!claimed) metrics.refused(m.platform, 'replayed');
  return claimed;
}

export interface InboundTap {
  platform: InboundPlatform;
  tap: CardTap;
  /** the delivery's claim key (none: every delivery acts, the decision's compare-and-set still holds) */
  dedupeKey?: string;
  /** the tapped message (Feishu message_id, WeCom task_id), to find the tapper's own copy and what it showed */
  messageId?: string;
  /** WeCom: the tap's fresh single-use code for redrawing the tapped card */
  responseCode?: string;
  /** the platform shows the answer's whole card in place of the tapped one (Feishu; WeCom renames a button) */
  answerRedraws?: boolean;
}

/** A card tap: decided and answered with the tapper's card; null for a delivery claimed before (a platform retry). */
export async function receiveTap(deps: Deps, caps: Caps, t: InboundTap): Promise<Reply | null> {
  const em = deps.orm.em.fork();
  const { first, me, copy } = await tapContext(em, t.platform, t.tap.who, t.dedupeKey, t.messageId, deps.now?.());
  if (!first) return null;
  // The tapped message, if it is one of this person's delivered cards: the answer is built from what it showed.
  const shown = copy
    ? {
        page: copy.page,
        clearanceIds: copy.clearanceIds,
        items: copy.items,
        ...(t.answerRedraws && me
          ? { redrawn: { platform: t.platform, messageId: copy.messageId, personId: me.personId } }
          : {}),
      }
    : undefined;
  const reply = await onTap(deps, shown ? { ...t.tap, shown } : t.tap, caps, { em, me }).catch(async (e: unknown) => {
    // Let the platform's retry (or the person's second tap) act: nothing was decided.
    if (t.dedupeKey) await releaseDelivery(em, t.platform, t.dedupeKey).catch(() => undefined);
    throw e;
  });
  await rememberTappedCopy(em, deps, t, { me, copy }, reply);
  return reply;
}

/**
 * Keeps the record of the tapped card true, so that later changes redraw it: when the answer shows other rows than the
 * record says, or when the tap brought a fresh WeCom update code for a card on record (it works once, so the one on
 * record is spent).
 */
async function rememberTappedCopy(
  em: EntityManager,
  deps: Deps,
  t: InboundTap,
  { me, copy }: Pick<TapContext, 'me' | 'copy'>,
  reply: Reply,
): Promise<void> {
  if (!me || !t.messageId) return;
  const rowsChanged =
    !!reply.card.shows && !(copy && copy.kind === reply.card.type && sameRows(copy, reply.card.shows));
  const freshCode = !!copy && !!t.responseCode;
  if (!rowsChanged && !freshCode) {
    if (copy && t.answerRedraws && !reply.markedDrawn) await markDrawnByTap(em, t.platform, t.messageId, me.personId);
    return;
  }
  const shows = reply.card.shows ?? copy!;
  await recordDelivered(
    em,
    {
      platform: t.platform,
      messageId: t.messageId,
      personId: me.personId,
      kind: reply.card.type,
      page: shows.page,
      clearanceIds: shows.clearanceIds,
      ...(t.responseCode ? { responseCode: t.responseCode } : {}),
    },
    deps.now?.(),
  );
}

function sameRows(a: { page: number; clearanceIds: number[] }, b: { page: number; clearanceIds: number[] }): boolean {
  return (
    a.page === b.page &&
    a.clearanceIds.length === b.clearanceIds.length &&
    a.clearanceIds.every((id, i) => id === b.clearanceIds[i])
  );
}
