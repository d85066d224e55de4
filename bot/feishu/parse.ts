// Feishu events (as the SDK's dispatcher flattens them: {...header, ...event}) to lixiao's neutral events.
import { feishuFormTap } from '../../cards/render/feishu.ts';
import type { CardTap, ChatMessage } from '../../handlers/index.ts';

export interface FeishuMessageEvent {
  event_id?: string;
  sender?: { sender_id?: { open_id?: string; user_id?: string }; sender_type?: string };
  message?: { message_id?: string; chat_type?: string; message_type?: string; content?: string };
}

export interface FeishuCardEvent {
  event_id?: string;
  token?: string;
  operator?: { open_id?: string; user_id?: string };
  action?: { value?: unknown; form_value?: Record<string, unknown>; input_value?: string };
  context?: { open_message_id?: string; open_chat_id?: string };
}

/** A text message to the bot, with @mentions taken out; null for anything we do not answer (other senders, non-text). */
export function parseMessage(e: FeishuMessageEvent): (ChatMessage & { messageId: string }) | null {
  const openId = e.sender?.sender_id?.open_id;
  const m = e.message;
  if (!openId || !m?.message_id || e.sender?.sender_type === 'app') return null;
  let text = '';
  if (m.message_type === 'text') {
    try {
      const said: unknown = (JSON.parse(m.content ?? '{}') as { text?: unknown }).text ?? '';
      text = String(said);
    } catch {
      text = '';
    }
  }
  text = text.replace(/@_user_\d+/g, ' ').trim();
  return {
    who: { platform: 'feishu', userId: openId, altId: e.sender?.sender_id?.user_id },
    text: text || '帮助',
    eventId: m.message_id,
    messageId: m.message_id,
  };
}

export function parseCardTap(e: FeishuCardEvent): (CardTap & { messageId?: string }) | null {
  const openId = e.operator?.open_id;
  const value = e.action?.value;
  if (!openId || !value || typeof value !== 'object' || Array.isArray(value)) return null;
  const form = e.action?.form_value ? feishuFormTap(e.action.form_value) : {};
  return {
    who: { platform: 'feishu', userId: openId, altId: e.operator?.user_id },
    value: value as Record<string, unknown>,
    input: form.input,
    selected: form.selected,
    eventId: e.event_id,
    messageId: e.context?.open_message_id,
  };
}
