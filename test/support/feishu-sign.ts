// Builds Feishu callback requests the way Feishu does: JSON, optionally encrypted, signed over the exact bytes sent.
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { feishuSignature } from '../../bot/feishu/crypto.ts';

export function feishuEncrypt(encryptKey: string, plain: string, iv = randomBytes(16)): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const c = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, c.update(plain, 'utf8'), c.final()]).toString('base64');
}

export interface SignedRequest {
  body: Buffer;
  headers: Record<string, string>;
}

/** The request Feishu would send for `payload` (encrypted when an encrypt key is given), signed at `ts` (seconds). */
export function feishuRequest(
  payload: object,
  encryptKey?: string,
  ts = Math.floor(Date.now() / 1000),
  nonce = randomBytes(8).toString('hex'),
): SignedRequest {
  const json = JSON.stringify(payload);
  const body = Buffer.from(encryptKey ? JSON.stringify({ encrypt: feishuEncrypt(encryptKey, json) }) : json);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (encryptKey) {
    headers['x-lark-request-timestamp'] = String(ts);
    headers['x-lark-request-nonce'] = nonce;
    headers['x-lark-signature'] = feishuSignature(String(ts), nonce, encryptKey, body);
  }
  return { body, headers };
}

let seq = 0;
/** A v2 event envelope. */
export function feishuEvent(type: string, event: object, token = 'vtoken') {
  seq++;
  return {
    schema: '2.0',
    header: {
      event_id: `ev_${Date.now()}_${seq}`,
      event_type: type,
      create_time: String(Date.now()),
      token,
      app_id: 'cli_a1b2c3d4e5f60718',
      tenant_key: 't1',
    },
    event,
  };
}

/** A direct message as Feishu's `im.message.receive_v1` carries it. */
export const feishuMessage = (openId: string, text: string, messageId = `om_${Math.random().toString(36).slice(2)}`) =>
  feishuEvent('im.message.receive_v1', {
    sender: { sender_id: { open_id: openId }, sender_type: 'user' },
    message: { message_id: messageId, chat_type: 'p2p', message_type: 'text', content: JSON.stringify({ text }) },
  });

/** A tap on a card button as `card.action.trigger` carries it (with what a form submitted, if any). */
export const feishuTap = (openId: string, value: object, messageId?: string, formValue?: object) =>
  feishuEvent('card.action.trigger', {
    operator: { open_id: openId },
    token: 'c-token-1',
    action: { tag: 'button', value, ...(formValue ? { form_value: formValue } : {}) },
    context: { open_message_id: messageId },
  });

/** Every button on a sent Feishu card, with its label and callback value, in order. */
export function feishuButtons(card: unknown): { label: string; value: Record<string, unknown> }[] {
  const out: { label: string; value: Record<string, unknown> }[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as { tag?: unknown; text?: { content?: string }; behaviors?: { value?: Record<string, unknown> }[] };
    const value = o.behaviors?.[0]?.value;
    if (o.tag === 'button' && value) out.push({ label: o.text?.content ?? '', value });
    Object.values(o).forEach(walk);
  };
  walk(card);
  return out;
}
