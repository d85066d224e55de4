// The neutral Card as a WeCom template_card (the `template_card` of message/send; shared/reference/wecom.md, "Sending").
import { STATE_LABEL, type Block, type Button, type Card, type Rendered } from '../model.ts';
import { isHttpUrl, plain, quote, utf8Bytes } from './text.ts';

type El = Record<string, unknown>;

// wecom.md's limits; nothing here is stricter than that page, so a drop reported here is a real loss.
const MAX_BUTTONS = 6;
const MAX_OPTIONS = 20;
const MAX_FIELDS = 6;
const MAX_LINKS = 3;
const MAX_KEY_BYTES = 1024;
const MAX_TASK_ID_BYTES = 128;

/*
 * wecom.md says only "style 1-4" (Tencent: "不填或错填默认1"); which number is which colour is UNVERIFIED,
 * so: 1 (the default, the platform's main style) for primary, 2 for default, 3 for danger.
 */
const STYLE: Record<Button['style'], number> = { primary: 1, default: 2, danger: 3 };

/*
 * Which fields each card type takes. wecom.md lists sub_title_text and horizontal_content_list for button_interaction
 * and only checkbox + submit_button for vote_interaction; Tencent's message/send reference agrees and gives jump_list
 * to text_notice (and news_notice) only. Content a type has no place for is reported, never sent to be ignored.
 */
type CardType = 'text_notice' | 'button_interaction' | 'vote_interaction';

interface Tapped {
  button: Button;
  /** the row a button belongs to, so "通过" in a drop report says whose */
  row?: string;
}

const keyOf = (b: Button) => JSON.stringify(b.value);
const named = (t: Tapped) => `button ${t.button.label}${t.row ? ` (${t.row})` : ''}`;

/**
 * WeCom cards have no charts: a bar is a line "图书馆 ████ 12", at most BAR_CELLS blocks for the largest value and at least one
 * for any value above zero. The bar's colour has no place in plain text; the number carries the meaning, so nothing is reported.
 */
const BAR_CELLS = 10;
function textBars(bars: Extract<Block, { kind: 'bars' }>['bars']): string[] {
  const max = Math.max(0, ...bars.map((x) => x.value));
  return bars.map((x) => {
    const n = max > 0 && x.value > 0 ? Math.max(1, Math.round((x.value / max) * BAR_CELLS)) : 0;
    return n ? `${x.label} ${'█'.repeat(n)} ${x.value}` : `${x.label} ${x.value}`;
  });
}

/** Each text-like block as the lines it contributes to sub_title_text (WeCom shows plain text: ** goes). */
function lines(b: Block): string[] {
  switch (b.kind) {
    case 'text':
    case 'note':
      return [plain(b.text)];
    case 'step':
      return [`${b.name} · ${STATE_LABEL[b.state]}`, ...b.lines];
    case 'row':
      return [b.title, ...b.lines, ...(b.result ? [b.result.text] : [])];
    case 'bars':
      return [b.title, ...textBars(b.bars)];
    default:
      return [];
  }
}

function describe(b: Block): string {
  switch (b.kind) {
    case 'text':
    case 'note':
      return `${b.kind} ${quote(b.text)}`;
    case 'step':
      return `step ${b.name}`;
    case 'row':
      return `row ${b.title}`;
    case 'bars':
      return `bars ${quote(b.title)}`;
    case 'fields':
      return `fields ${b.fields.map((f) => f.label).join('、')}`;
    case 'link':
      return `link ${quote(b.label)}`;
    default:
      return b.kind;
  }
}

function buttonList(tapped: Tapped[], dropped: string[]): El[] {
  tapped.slice(MAX_BUTTONS).forEach((t) => dropped.push(`${named(t)}: WeCom allows ${MAX_BUTTONS} buttons`));
  return tapped.slice(0, MAX_BUTTONS).map((t) => {
    checkKey(named(t), t.button, dropped);
    return { text: t.button.label, style: STYLE[t.button.style], key: keyOf(t.button) };
  });
}

/*
 * A button's `input` (a return's reason) has no place in a template card; that is not reported as a loss because
 * the handler asks for the reason in chat when the tap arrives without one. A confirm has no place either, and
 * nothing asks instead, so that is reported.
 */
function checkKey(what: string, b: Button, dropped: string[]): void {
  const bytes = utf8Bytes(keyOf(b));
  if (bytes > MAX_KEY_BYTES) dropped.push(`${what}: key is ${bytes} bytes, WeCom allows ${MAX_KEY_BYTES}`);
  if (b.confirm) dropped.push(`confirm of ${what}: WeCom cannot ask before a tap`);
}

function checkbox(b: Extract<Block, { kind: 'checklist' }>, dropped: string[]): El {
  const n = b.options.length;
  if (n > MAX_OPTIONS)
    dropped.push(
      `option ${MAX_OPTIONS + 1}${n > MAX_OPTIONS + 1 ? `..${n}` : ''}: WeCom checkbox allows ${MAX_OPTIONS}`,
    );
  checkKey(`submit ${b.submit.label}`, b.submit, dropped);
  return {
    checkbox: {
      question_key: b.id,
      mode: 1,
      option_list: b.options.slice(0, MAX_OPTIONS).map((o) => ({ id: o.id, text: o.label, is_checked: false })),
    },
    submit_button: { text: b.submit.label, key: keyOf(b.submit) },
  };
}

export function renderWecom(card: Card, opts: { taskId: string; url: string }): Rendered<object> {
  const dropped: string[] = [];
  const checklists = card.blocks.filter((b) => b.kind === 'checklist');
  // A decided row shows its result and the buttons it still has (撤销 of one's own decision), as on every platform.
  const tapped: Tapped[] = card.blocks.flatMap((b) =>
    b.kind === 'row'
      ? b.buttons.map((button) => ({ button, row: b.title }))
      : b.kind === 'actions'
        ? b.buttons.map((button) => ({ button }))
        : [],
  );
  const type: CardType = checklists.length ? 'vote_interaction' : tapped.length ? 'button_interaction' : 'text_notice';
  const payload: El = { card_type: type, main_title: { title: card.title, desc: card.summary } };

  if (type === 'vote_interaction') {
    for (const b of card.blocks) {
      if (b.kind === 'checklist' || b.kind === 'divider' || b.kind === 'actions') continue;
      dropped.push(`${describe(b)}: vote_interaction shows only the checklist`);
    }
    for (const t of tapped) dropped.push(`${named(t)}: vote_interaction has only its submit button`);
    for (const extra of checklists.slice(1)) dropped.push(`checklist ${extra.id}: WeCom shows one checklist per card`);
  } else {
    const text = card.blocks.flatMap(lines).join('\n');
    if (text) payload.sub_title_text = text;
    const fields = card.blocks.flatMap((b) => (b.kind === 'fields' ? b.fields : []));
    fields.slice(MAX_FIELDS).forEach((f) => dropped.push(`field ${f.label}: WeCom allows ${MAX_FIELDS} fields`));
    if (fields.length)
      payload.horizontal_content_list = fields.slice(0, MAX_FIELDS).map((f) => ({ keyname: f.label, value: f.value }));
    const links: Extract<Block, { kind: 'link' }>[] = [];
    for (const b of card.blocks) {
      if (b.kind !== 'link') continue;
      if (isHttpUrl(b.url)) links.push(b);
      else dropped.push(`link ${quote(b.label)}: WeCom opens only http(s) links`);
    }
    if (type === 'text_notice') {
      links.slice(MAX_LINKS).forEach((l) => dropped.push(`link ${quote(l.label)}: WeCom allows ${MAX_LINKS} links`));
      if (links.length)
        payload.jump_list = links.slice(0, MAX_LINKS).map((l) => ({ type: 1, title: l.label, url: l.url }));
      // text_notice requires a card_action: the whole card opens the page it came from.
      payload.card_action = { type: 1, url: opts.url };
    } else {
      links.forEach((l) => dropped.push(`link ${quote(l.label)}: button_interaction has no jump_list`));
    }
  }

  if (type !== 'text_notice') {
    const ok = /^[0-9A-Za-z_\-@]+$/.test(opts.taskId) && utf8Bytes(opts.taskId) <= MAX_TASK_ID_BYTES;
    if (!ok) dropped.push(`task_id "${opts.taskId}": WeCom allows [0-9A-Za-z_-@], at most ${MAX_TASK_ID_BYTES} bytes`);
    payload.task_id = opts.taskId;
  }
  if (type === 'button_interaction') payload.button_list = buttonList(tapped, dropped);
  if (type === 'vote_interaction') Object.assign(payload, checkbox(checklists[0]!, dropped));
  return { payload, dropped };
}
