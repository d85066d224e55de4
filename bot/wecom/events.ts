// WeCom callbacks acted on: a text message gets cards queued; a card tap is decided, answered with a passive button update.
import type { EntityManager } from '@mikro-orm/postgresql';
import { onMessage, onTap, type Caps, type Deps } from '../../handlers/index.ts';
import { firstDelivery, releaseDelivery, seenBefore } from '../../src/inbound/dedupe.ts';
import { enqueueSend } from '../../src/queue/enqueue.ts';
import { recordDelivered } from '../../src/delivery/delivered-cards.ts';
import { tapContext } from '../../src/inbound/tap-context.ts';
import { identify } from '../../src/people/identify.ts';
import type { Logger } from '../../src/log.ts';
import type { WecomInbound } from './parse.ts';

/** WeCom shows at most 6 buttons: lists are checkbox cards with one submit. */
export const WECOM_CAPS: Caps = { layout: 'checklist' };

/** The passive reply to a tap: the new name of the tapped button (only the tapper's card), or nothing. */
export type WecomAnswer = { replaceName: string } | null;

export async function handleWecom(deps: Deps, log: Logger, inbound: WecomInbound): Promise<WecomAnswer> {
  const em = deps.orm.em.fork() as EntityManager;
  if (inbound.kind === 'ignored') return null;
  if (inbound.kind === 'message') {
    const msg = inbound.message;
    if (await seenBefore(em, 'wecom', inbound.dedupeKey)) return null;
    const cards = await onMessage(deps, msg, WECOM_CAPS);
    const me = await identify(em, 'wecom', msg.who.userId);
    await em.transactional(async (t) => {
      if (!(await firstDelivery(t as EntityManager, 'wecom', inbound.dedupeKey))) return;
      for (const [i, card] of cards.entries())
        await enqueueSend(t as EntityManager, {
          platform: 'wecom',
          to: msg.who.userId,
          card,
          key: `re_${msg.eventId}_${i}`,
          personId: me?.personId,
          shows: card.shows,
          lane: 'interactive',
        });
    });
    return null;
  }
  const { first, me, copy } = await tapContext(
    em,
    'wecom',
    { userId: inbound.from },
    inbound.dedupeKey,
    inbound.taskId,
    deps.now?.(),
  );
  if (!first) {
    log.info({ key: inbound.dedupeKey }, 'wecom event delivered again: ignored');
    return null;
  }
  const reply = await onTap(
    deps,
    copy
      ? { ...inbound.tap, shown: { page: copy.page, clearanceIds: copy.clearanceIds, items: copy.items } }
      : inbound.tap,
    WECOM_CAPS,
    { em, me },
  ).catch(async (e) => {
    await releaseDelivery(em, 'wecom', inbound.dedupeKey).catch(() => undefined); // WeCom retries: let the retry act
    throw e;
  });
  // The tap brought a fresh single-use code for this card: kept, so the change job can redraw the whole card.
  if (copy && inbound.responseCode)
    await recordDelivered(
      em,
      {
        ...copy,
        kind: reply.card.type,
        ...(reply.card.shows ?? {}),
        responseCode: inbound.responseCode,
      },
      deps.now?.(),
    );
  return { replaceName: (reply.toast?.text ?? '已处理').slice(0, 20) };
}
