// The Feishu event handlers (one dispatcher for the webhook and the long connection): messages and card taps.
import * as lark from '@larksuiteoapi/node-sdk';
import { renderFeishu, type RenderedFeishu } from '../../cards/render/feishu.ts';
import { receiveMessage, receiveTap, type Caps, type Deps } from '../../handlers/index.ts';
import type { Logger } from '../../src/log.ts';
import { parseCardTap, parseMessage, type FeishuCardEvent, type FeishuMessageEvent } from './parse.ts';

export const FEISHU_CAPS: Caps = { layout: 'buttons' };
const TOAST = { green: 'success', red: 'error', orange: 'warning', blue: 'info', grey: 'info' } as const;

export interface CardCallbackAnswer {
  toast?: { type: string; content: string };
  card?: { type: 'raw'; data: object };
}

const BODY = Symbol('answer body');

/**
 * The answer's UTF-8 JSON, where it was built with a card (cardAnswer): the card's JSON from renderFeishu's size check
 * goes out as it is, rather than a 20 KB card serialized a second time on every tap. JSON.stringify(answer) (the long
 * connection) gives the same text.
 */
export function answerJson(answer: CardCallbackAnswer): Buffer | undefined {
  return (answer as { [BODY]?: Buffer })[BODY];
}

export function cardAnswer(toast: CardCallbackAnswer['toast'], rendered: RenderedFeishu): CardCallbackAnswer {
  const answer: CardCallbackAnswer = { ...(toast ? { toast } : {}), card: { type: 'raw', data: rendered.payload } };
  const head = Buffer.from(`{${toast ? `"toast":${JSON.stringify(toast)},` : ''}"card":{"type":"raw","data":`);
  const body = Buffer.concat([head, rendered.json, Buffer.from('}}')]);
  return Object.defineProperty(answer, BODY, { value: body, enumerable: false });
}

/** A message: deduped by message_id, answered with cards queued for delivery (the HTTP answer does not wait for them). */
export async function handleMessage(deps: Deps, log: Logger, e: FeishuMessageEvent): Promise<void> {
  const msg = parseMessage(e);
  if (!msg) return;
  const fresh = await receiveMessage(deps, FEISHU_CAPS, {
    platform: 'feishu',
    message: msg,
    dedupeKey: `msg:${msg.messageId}`,
    replyKey: (i) => `re:${msg.messageId}:${i}`,
  });
  if (!fresh) log.info({ messageId: msg.messageId }, 'feishu message delivered again: ignored');
}

/** A card tap: answered inline with a toast and the updated card (Feishu never re-sends a card callback). */
export async function handleCardTap(deps: Deps, log: Logger, e: FeishuCardEvent): Promise<CardCallbackAnswer> {
  const tap = parseCardTap(e);
  if (!tap) return { toast: { type: 'error', content: '无法识别的操作' } };
  const reply = await receiveTap(deps, FEISHU_CAPS, {
    platform: 'feishu',
    tap,
    dedupeKey: tap.eventId ? `card:${tap.eventId}` : undefined,
    messageId: tap.messageId,
    answerRedraws: true,
  });
  if (!reply) return {};
  const rendered = renderFeishu(reply.card);
  if (rendered.dropped.length)
    log.warn({ dropped: rendered.dropped, type: reply.card.type }, 'feishu card lost content');
  return cardAnswer(reply.toast ? { type: TOAST[reply.toast.tone], content: reply.toast.text } : undefined, rendered);
}

/** Card taps are answered within this, on the webhook and the long connection alike (Feishu allows 3 s). */
export const TAP_BUDGET_MS = 2300;

/** The tap's answer, or "still working" once the budget is spent, the card then updated by the callback token. */
export async function answerWithin(
  work: Promise<CardCallbackAnswer>,
  token: string | undefined,
  late: ((token: string, answer: unknown) => Promise<void>) | undefined,
  log: Logger,
): Promise<CardCallbackAnswer> {
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), TAP_BUDGET_MS)));
  const out = await Promise.race([work, budget]).finally(() => clearTimeout(timer));
  if (out !== 'late') return out;
  log.warn('card tap slower than its budget: answering now, updating the card when it finishes');
  void work
    .then((answer) => (token && late ? late(token, answer) : undefined))
    .catch((e) => log.error({ err: e }, 'slow card tap failed'));
  return { toast: { type: 'info', content: '正在处理，卡片稍后更新' } };
}

export function feishuDispatcher(
  deps: Deps,
  log: Logger,
  secrets: { encryptKey?: string; verificationToken?: string },
  late?: (token: string, answer: unknown) => Promise<void>,
): lark.EventDispatcher {
  return new lark.EventDispatcher({ ...secrets, loggerLevel: lark.LoggerLevel.error }).register<{
    'card.action.trigger': (d: FeishuCardEvent) => Promise<CardCallbackAnswer>;
  }>({
    'im.message.receive_v1': (d) => handleMessage(deps, log, d),
    'card.action.trigger': (d) => answerWithin(handleCardTap(deps, log, d), d.token, late, log),
  });
}
