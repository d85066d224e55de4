// WeCom delivery: the send job (template card, task_id from the job key) and redrawing copies with their single-use codes.
import type { Card } from '../../cards/model.ts';
import { renderWecom } from '../../cards/render/wecom.ts';
import { refreshedPendingCard, type Deps } from '../../handlers/index.ts';
import { cardsShowing, recordDelivered, takeResponseCode } from '../../src/delivery/delivered-cards.ts';
import type { CardSender, ChangeListener } from '../../src/queue/worker.ts';
import type { Logger } from '../../src/log.ts';
import type { WecomApi } from './api.ts';
import { WECOM_CAPS } from './events.ts';

/** task_id: unique per app, [0-9A-Za-z_-@], at most 128 bytes; derived from the job key so a retried job reuses it. */
export function taskIdOf(key: string): string {
  const clean = key.replace(/[^0-9A-Za-z_\-@]/g, '_');
  return clean.length <= 128 ? clean : clean.slice(0, 128);
}

function render(card: Card, taskId: string, url: string, log: Logger): object {
  const r = renderWecom(card, { taskId, url });
  if (r.dropped.length) log.warn({ type: card.type, dropped: r.dropped }, 'wecom card lost content');
  return r.payload;
}

export function wecomSender(api: WecomApi, deps: Deps, log: Logger): CardSender {
  return async (job, opts) => {
    const card = job.card as Card;
    const taskId = taskIdOf(job.key);
    const sent = await api
      .sendCard(job.to, render(card, taskId, deps.publicUrl, log), opts)
      .catch((e: { errcode?: number }) => {
        // 42014: this task_id was sent before (an earlier attempt succeeded but its answer was lost): the card is there.
        if (e.errcode === 42014) return { msgid: '', responseCode: undefined };
        throw e;
      });
    if (job.shows && job.personId)
      await recordDelivered(
        deps.orm.em.fork(),
        {
          platform: 'wecom',
          messageId: taskId,
          personId: job.personId,
          kind: card.type,
          ...job.shows,
          responseCode: sent.responseCode ?? null,
        },
        deps.now?.(),
      );
  };
}

/** Copies showing a changed clearance are redrawn with update_template_card, each with its own unused code. */
export function wecomCopiesListener(api: WecomApi, deps: Deps, log: Logger): ChangeListener {
  return async ({ changes }) => {
    const em = deps.orm.em.fork();
    const changed = changes.map((c) => c.clearanceId);
    let retry: Error | undefined;
    const now = deps.now?.() ?? new Date();
    for (const copy of await cardsShowing(em, 'wecom', changed, now)) {
      const [person] = await em.execute<{ wecom_userid: string | null }[]>(
        'select wecom_userid from person where id = ?',
        [copy.personId],
      );
      if (!person?.wecom_userid) continue;
      const card = await refreshedPendingCard(
        deps,
        copy.personId,
        copy.page,
        changed.filter((id) => copy.clearanceIds.includes(id)),
        WECOM_CAPS,
      );
      if (!card) continue;
      const code = await takeResponseCode(em, 'wecom', copy.messageId, now);
      if (!code) {
        log.debug(
          { taskId: copy.messageId },
          'wecom card has no unused update code: it stays as it was until the next 待办',
        );
        continue;
      }
      try {
        await api.updateCard([person.wecom_userid], code, render(card, copy.messageId, deps.publicUrl, log));
        if (card.shows)
          await recordDelivered(em, { ...copy, kind: card.type, ...card.shows, responseCode: null }, deps.now?.());
      } catch (e) {
        // One copy failing must not keep the others stale; a code is spent either way, so only the job's other work is retried.
        log.warn({ taskId: copy.messageId, error: (e as Error).message }, 'wecom card redraw failed');
        if ((e as { retryable?: boolean }).retryable) retry = e as Error;
      }
    }
    if (retry) throw retry;
  };
}
