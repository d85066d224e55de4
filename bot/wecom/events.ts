// WeCom's side of the inbound path: a text message gets cards queued; a tap is answered with a passive button update.
import { receiveMessage, receiveTap, type Caps, type Deps } from '../../handlers/index.ts';
import type { Logger } from '../../src/log.ts';
import type { WecomInbound } from './parse.ts';

/** WeCom shows at most 6 buttons: lists are checkbox cards with one submit. */
export const WECOM_CAPS: Caps = { layout: 'checklist' };

/** The passive reply to a tap: the new name of the tapped button (only the tapper's card), or nothing. */
export type WecomAnswer = { replaceName: string } | null;

export async function handleWecom(deps: Deps, log: Logger, inbound: WecomInbound): Promise<WecomAnswer> {
  if (inbound.kind === 'ignored') return null;
  if (inbound.kind === 'message') {
    const msg = inbound.message;
    await receiveMessage(deps, WECOM_CAPS, {
      platform: 'wecom',
      message: msg,
      dedupeKey: inbound.dedupeKey,
      replyKey: (i) => `re_${msg.eventId}_${i}`,
    });
    return null;
  }
  const reply = await receiveTap(deps, WECOM_CAPS, {
    platform: 'wecom',
    tap: inbound.tap,
    dedupeKey: inbound.dedupeKey,
    messageId: inbound.taskId,
    responseCode: inbound.responseCode,
  });
  if (!reply) {
    log.info({ key: inbound.dedupeKey }, 'wecom event delivered again: ignored');
    return null;
  }
  return { replaceName: (reply.toast?.text ?? '已处理').slice(0, 20) };
}
