// Decrypted WeCom callbacks to lixiao's neutral events: text messages and template card taps.
import type { CardTap, ChatMessage } from '../../handlers/index.ts';
import { field, type XmlObject } from './xml.ts';

export type WecomInbound =
  | { kind: 'message'; dedupeKey: string; message: ChatMessage }
  | { kind: 'tap'; dedupeKey: string; tap: CardTap; taskId: string; responseCode?: string; from: string }
  | { kind: 'ignored'; dedupeKey?: string };

/** Checked option ids of a vote / multiple-choice card: SelectedItems/SelectedItem[]/OptionIds/OptionId[]. */
function selectedOptions(x: XmlObject): string[] {
  const items = (x.SelectedItems as XmlObject | undefined)?.SelectedItem;
  if (!Array.isArray(items)) return [];
  return items.flatMap((it) => {
    const ids = ((it as XmlObject).OptionIds as XmlObject | undefined)?.OptionId;
    return Array.isArray(ids) ? ids.map(String) : [];
  });
}

export function parseWecomInbound(x: XmlObject): WecomInbound {
  const from = field(x, 'FromUserName');
  const type = field(x, 'MsgType');
  if (!from) return { kind: 'ignored' };
  if (type === 'text') {
    const msgId = field(x, 'MsgId') ?? `${from}:${field(x, 'CreateTime')}`;
    return {
      kind: 'message',
      dedupeKey: `msg:${msgId}`,
      message: { who: { platform: 'wecom', userId: from }, text: field(x, 'Content') ?? '', eventId: msgId },
    };
  }
  if (type === 'event' && field(x, 'Event') === 'template_card_event') {
    // Events carry no MsgId: WeCom's advice is sender + creation time; the card and button are added so that two taps
    // in one second on different cards stay two taps (a retry repeats the same XML, so it still matches).
    const dedupeKey = `event:${from}:${field(x, 'CreateTime')}:${field(x, 'TaskId') ?? ''}:${field(x, 'EventKey') ?? ''}:${selectedOptions(x).join(',')}`;
    let value: unknown;
    try {
      value = JSON.parse(field(x, 'EventKey') ?? '');
    } catch {
      value = null;
    }
    if (!value || typeof value !== 'object' || Array.isArray(value)) return { kind: 'ignored', dedupeKey };
    return {
      kind: 'tap',
      dedupeKey,
      from,
      taskId: field(x, 'TaskId') ?? '',
      responseCode: field(x, 'ResponseCode'),
      tap: {
        who: { platform: 'wecom', userId: from },
        value: value as Record<string, unknown>,
        selected: selectedOptions(x),
        eventId: dedupeKey,
      },
    };
  }
  return {
    kind: 'ignored',
    dedupeKey: type === 'event' ? `event:${from}:${field(x, 'CreateTime')}:${field(x, 'Event')}` : undefined,
  };
}
