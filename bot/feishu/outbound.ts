// Feishu delivery: the send job (render, send with the job's key as uuid, remember list cards) and in-place updates of copies.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Card } from '../../cards/model.ts';
import { renderFeishu } from '../../cards/render/feishu.ts';
import { refreshedPendingCard, type Deps } from '../../handlers/index.ts';
import { cardsShowing, recordDelivered } from '../../src/delivery/delivered-cards.ts';
import type { CardSender, ChangeListener } from '../../src/queue/worker.ts';
import type { Logger } from '../../src/log.ts';
import type { FeishuApi } from './api.ts';
import { FEISHU_CAPS } from './events.ts';

function render(card: Card, log: Logger): object {
  const r = renderFeishu(card);
  if (r.dropped.length) log.warn({ type: card.type, dropped: r.dropped }, 'feishu card lost content');
  return r.payload;
}

export function feishuSender(api: FeishuApi, deps: Deps, log: Logger): CardSender {
  return async (job) => {
    const card = job.card as Card;
    const { messageId } = await api.sendCard(job.to, render(card, log), job.key);
    if (job.shows && job.personId)
      await recordDelivered(
        deps.orm.em.fork() as EntityManager,
        {
          platform: 'feishu',
          messageId,
          personId: job.personId,
          kind: card.type,
          ...job.shows,
        },
        deps.now?.(),
      );
  };
}

/** Every delivered list card that shows a changed clearance is rebuilt for its owner and patched in place. */
export function feishuCopiesListener(api: FeishuApi, deps: Deps, log: Logger): ChangeListener {
  return async ({ changes }) => {
    const em = deps.orm.em.fork() as EntityManager;
    const changed = changes.map((c) => c.clearanceId);
    for (const copy of await cardsShowing(em, 'feishu', changed, deps.now?.() ?? new Date())) {
      const mine = changed.filter((id) => copy.clearanceIds.includes(id));
      const card = await refreshedPendingCard(deps, copy.personId, copy.page, mine, FEISHU_CAPS);
      if (!card) continue;
      try {
        await api.patchCard(copy.messageId, render(card, log));
      } catch (e) {
        // A rate limit or an outage fails the job, which patches again later (idempotent). A copy that cannot be
        // patched at all (recalled, too old) must not keep the others stale: a job carries many people's changes.
        if ((e as { retryable?: boolean }).retryable) throw e;
        log.warn({ messageId: copy.messageId, error: (e as Error).message }, 'feishu card patch failed');
        continue;
      }
      if (card.shows) await recordDelivered(em, { ...copy, kind: card.type, ...card.shows }, deps.now?.());
    }
  };
}
