// Feishu delivery: the send job (render, send with the job's key as uuid, remember list cards) and in-place updates of copies.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Card } from '../../cards/model.ts';
import { renderFeishu } from '../../cards/render/feishu.ts';
import { refreshedPendingCard, type Deps } from '../../handlers/index.ts';
import type { Task } from 'graphile-worker';
import {
  cardsShowing,
  deliveredFeishuCard,
  drawnNow,
  recordDelivered,
  type DeliveredCardRow,
} from '../../src/delivery/delivered-cards.ts';
import { LANE_PRIORITY } from '../../src/delivery/lanes.ts';
import { pgIntArray, pgTextArray } from '../../src/db/pg-array.ts';
import type { CardSender, ChangeListener } from '../../src/queue/worker.ts';
import type { Logger } from '../../src/log.ts';
import type { FeishuApi } from './api.ts';
import { FEISHU_CAPS } from './events.ts';

function render(card: Card, log: Logger): object {
  const r = renderFeishu(card);
  if (r.dropped.length) log.warn({ type: card.type, dropped: r.dropped }, 'feishu card lost content');
  return r.payload;
}

/**
 * Sends a queued card; a list card is recorded as drawn when it was queued. Its rows decided while it waited (for the
 * queue, for quota) found no copy to patch then: the copy is patched now, or when its window ends.
 */
export function feishuSender(api: FeishuApi, deps: Deps, log: Logger, windowSec = 0): CardSender {
  return async (job, opts) => {
    const card = job.card as Card;
    const { messageId } = await api.sendCard(job.to, render(card, log), job.key, job.lane, opts);
    if (!job.shows || !job.personId) return;
    const em = deps.orm.em.fork();
    const copy = { platform: 'feishu', messageId, personId: job.personId, kind: card.type, ...job.shows };
    const drawnAt = job.drawnAt ? new Date(job.drawnAt) : null;
    await recordDelivered(em, { ...copy, drawnAt }, deps.now?.());
    if (!drawnAt) return;
    const since = await em.execute<{ id: number }[]>(
      'select id from clearance where id = any(?::int[]) and decided_at > ?::timestamptz',
      [pgIntArray(copy.clearanceIds), drawnAt.toISOString()],
    );
    if (since.length)
      await refreshCopies(
        api,
        deps,
        log,
        em,
        [copy],
        since.map((r) => r.id),
        windowSec,
      );
  };
}

/** graphile-worker's task that patches one copy with its latest state, once its window has passed. */
export const FEISHU_PATCH_COPY_TASK = 'feishu_patch_copy';

/** Rebuilds one delivered copy for its owner, marking `changed` rows with what happened to them, and patches it. */
async function patchCopy(
  api: FeishuApi,
  deps: Deps,
  log: Logger,
  em: EntityManager,
  copy: DeliveredCardRow,
  changed: number[],
): Promise<void> {
  // Taken before the rows are read: a decision while the patch waits for quota or for Feishu stays "since drawn", and
  // the window's next patch brings it.
  const drawnAt = await drawnNow(em);
  const card = await refreshedPendingCard(deps, copy.personId, copy.page, changed, FEISHU_CAPS);
  if (!card) return;
  try {
    await api.patchCard(copy.messageId, render(card, log), 'interactive');
  } catch (e) {
    // A rate limit or an outage fails the job, which patches again later (idempotent). A copy that cannot be
    // patched at all (recalled, too old) must not keep the others stale: a job carries many people's changes.
    if ((e as { retryable?: boolean }).retryable) throw e;
    log.warn({ messageId: copy.messageId, error: (e as Error).message }, 'feishu card patch failed');
    return;
  }
  if (card.shows) await recordDelivered(em, { ...copy, kind: card.type, ...card.shows, drawnAt }, deps.now?.());
}

/**
 * Every delivered list card that shows a changed clearance is rebuilt for its owner and patched in place. With a
 * window, a copy is patched once per window with the state at its end (a job per copy, its time kept from the first
 * change), not once per change: ten offices tapping all morning would otherwise spend the app's quota on patches.
 */
export function feishuCopiesListener(api: FeishuApi, deps: Deps, log: Logger, windowSec = 0): ChangeListener {
  return async ({ changes }) => {
    const em = deps.orm.em.fork();
    const changed = changes.map((c) => c.clearanceId);
    const copies = await cardsShowing(em, 'feishu', changed, deps.now?.() ?? new Date());
    await refreshCopies(api, deps, log, em, copies, changed, windowSec);
  };
}

/** Copies showing `changed` rows: patched now (no window), or once when their window ends. */
async function refreshCopies(
  api: FeishuApi,
  deps: Deps,
  log: Logger,
  em: EntityManager,
  copies: DeliveredCardRow[],
  changed: number[],
  windowSec: number,
): Promise<void> {
  if (windowSec > 0) return schedulePatches(em, copies, windowSec);
  for (const copy of copies)
    await patchCopy(
      api,
      deps,
      log,
      em,
      copy,
      changed.filter((id) => copy.clearanceIds.includes(id)),
    );
}

async function schedulePatches(em: EntityManager, copies: DeliveredCardRow[], windowSec: number): Promise<void> {
  if (!copies.length) return;
  // job_spec: (identifier, payload, queue_name, run_at, max_attempts, job_key, priority, flags)
  await em.execute(
    `select count(*) from graphile_worker.add_jobs(array(
       select row(?, json_build_object('messageId', m), null, now() + ? * interval '1 second', 10,
                  'patch:feishu:' || m, ?, null)::graphile_worker.job_spec
         from unnest(?::text[]) m
     ), true)`,
    [FEISHU_PATCH_COPY_TASK, windowSec, LANE_PRIORITY.interactive, pgTextArray(copies.map((c) => c.messageId))],
  );
}

/**
 * The window's end: the copy as it is now, its rows decided since it was last drawn (strictly after: a tap's own
 * decisions share their statement's now() with the mark of the copy its answer redrew) marked with what happened to them
 * (rows decided before that were shown then, and make way for pending ones now, as a patch at every change did).
 */
export function feishuPatchCopyTask(api: FeishuApi, deps: Deps, log: Logger): Task {
  return async (payload) => {
    const { messageId } = payload as { messageId: string };
    const em = deps.orm.em.fork();
    const copy = await deliveredFeishuCard(em, messageId, deps.now?.() ?? new Date());
    if (!copy) return; // too old to update, or its person was purged
    const changed = await em.execute<{ id: number }[]>(
      `select c.id from clearance c, delivered_card d
        where d.platform = 'feishu' and d.message_id = ? and c.id = any(d.clearance_ids) and c.decided_at > d.updated_at`,
      [messageId],
    );
    if (changed.length)
      // nothing decided since it was drawn: it already shows the latest state
      await patchCopy(
        api,
        deps,
        log,
        em,
        copy,
        changed.map((r) => r.id),
      );
  };
}
