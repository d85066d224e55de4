// The neutral Card as a WeCom template_card (the `template_card` of message/send, https://developer.work.weixin.qq.com/document/path/90236).
import { stateLabel, type Block, type Button, type Card, type Rendered, type StepState } from '../model.ts';
import { isHttpUrl, plain, quote, utf8Bytes } from './text.ts';
import { list, t, type Lang } from '../i18n/index.ts';

type El = Record<string, unknown>;

/*
 * Limits of message/send's template_card (developer.work.weixin.qq.com/document/path/90236). Counts and bytes are hard
 * limits; the character lengths are the page's "建议不超过N个字" (recommended at most), which it does not say WeCom enforces:
 * text longer than those is cut here and reported, so a card never depends on how a client shows too much.
 */
const MAX_BUTTONS = 6;
const MAX_OPTIONS = 20;
const MAX_FIELDS = 6;
const MAX_LINKS = 3;
const MAX_KEY_BYTES = 1024;
const MAX_TASK_ID_BYTES = 128;
export const WECOM_CHARS = {
  title: 36,
  desc: 44,
  subTitle: 160,
  keyname: 5,
  value: 30,
  jumpTitle: 18,
  buttonText: 10,
  optionText: 17,
} as const;

/*
 * "style: 按钮样式，目前可填1~4，不填或错填默认1": which colour 2-4 are is shown only in an image, and its readings disagree
 * about 3 (red, or green). 1, the default, is the platform's main style: primary. 退回 and the rest take 2, the plain
 * second style, so that no reading shows a return as green (unverified on a client).
 */
const STYLE: Record<Button['style'], number> = { primary: 1, default: 2, danger: 2 };

const chars = (s: string) => [...s].length;

/** Text cut to a documented length, the cut reported. */
function fit(what: string, text: string, max: number, dropped: string[]): string {
  if (chars(text) <= max) return text;
  dropped.push(`${what}: ${chars(text)} characters, WeCom recommends at most ${max}`);
  return `${[...text].slice(0, max - 1).join('')}…`;
}

/*
 * Which fields each card type takes. Tencent's message/send reference (https://developer.work.weixin.qq.com/document/path/90236) lists sub_title_text and
 * horizontal_content_list for button_interaction and only checkbox + submit_button for vote_interaction, and gives
 * jump_list to text_notice (and news_notice) only. Content a type has no place for is reported, never sent to be ignored.
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

interface Line {
  text: string;
  /** may be left out when the text would pass 160 characters (the card's other lines say what matters) */
  detail: boolean;
}

/** Each text-like block as the lines it contributes to sub_title_text (WeCom shows plain text: ** goes). */
function lines(b: Block, lang: Lang): Line[] {
  const all = (texts: string[], detail = false) => texts.map((text) => ({ text, detail }));
  switch (b.kind) {
    case 'text':
    case 'note':
      return all(plain(b.text).split('\n'), b.detail);
    case 'step': {
      // An open step with something to say is a line of its own; where to go and whom to call follow while there is room.
      const [colon, semi] = [t(lang, 'colon'), t(lang, 'list.semi')];
      const head = `${b.name} · ${stateLabel(b.state, lang)}${b.lines.length ? `${colon}${b.lines.join(semi)}` : ''}`;
      return [{ text: head, detail: false }, ...all(b.more?.length ? [`  ${b.more.join(semi)}`] : [], true)];
    }
    case 'row':
      return all([b.title, ...b.lines, ...(b.result ? [b.result.text] : [])]);
    case 'bars':
      return all([b.title, ...textBars(b.bars)], true);
    default:
      return [];
  }
}

/**
 * A status's steps in little room: open steps with a reason each get a line (and their details while there is room), the
 * other open steps share one line "待办理：…" where the first of them stood, and passed / not applicable steps share a
 * line each after the steps, as details.
 */
function textLines(blocks: Block[], lang: Lang): Line[] {
  const out: Line[] = [];
  const grouped = new Map<StepState, { at: number; names: string[] }>();
  const group = (state: StepState, name: string, at: number) =>
    (grouped.get(state) ?? grouped.set(state, { at, names: [] }).get(state)!).names.push(name);
  let afterSteps = 0;
  for (const b of blocks) {
    if (b.kind !== 'step') {
      out.push(...lines(b, lang));
      continue;
    }
    const open = b.state === 'pending' || b.state === 'returned';
    if (open && b.lines.length) out.push(...lines(b, lang));
    else group(open ? 'pending' : b.state, b.name, out.length);
    afterSteps = out.length;
  }
  const later = (['passed', 'not_applicable'] as const).flatMap((state) => {
    const g = grouped.get(state);
    return g ? [{ text: `${stateLabel(state, lang)}${t(lang, 'colon')}${list(lang, g.names)}`, detail: true }] : [];
  });
  out.splice(afterSteps, 0, ...later);
  const pending = grouped.get('pending');
  if (pending)
    out.splice(pending.at, 0, {
      text: `${stateLabel('pending', lang)}${t(lang, 'colon')}${list(lang, pending.names)}`,
      detail: false,
    });
  return out;
}

function subTitle(all: Line[], dropped: string[]): string {
  const max = WECOM_CHARS.subTitle;
  let used = all.filter((l) => !l.detail).reduce((n, l) => n + chars(l.text) + 1, -1);
  const out: string[] = [];
  let skipping = false;
  for (const l of all) {
    if (!l.detail) out.push(l.text);
    else if (!skipping && used + 1 + chars(l.text) + 2 <= max) {
      out.push(l.text);
      used += 1 + chars(l.text);
    } else skipping = true;
  }
  if (skipping) out.push('…');
  return fit('sub_title_text', out.join('\n'), max, dropped);
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
    return {
      text: fit(named(t), t.button.label, WECOM_CHARS.buttonText, dropped),
      style: STYLE[t.button.style],
      key: keyOf(t.button),
    };
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
      option_list: b.options.slice(0, MAX_OPTIONS).map((o) => ({
        id: o.id,
        text: fit(`option ${o.id}`, o.label, WECOM_CHARS.optionText, dropped),
        is_checked: false,
      })),
    },
    submit_button: { text: fit('submit', b.submit.label, WECOM_CHARS.buttonText, dropped), key: keyOf(b.submit) },
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
  const payload: El = {
    card_type: type,
    main_title: {
      title: fit('title', card.title, WECOM_CHARS.title, dropped),
      desc: fit('desc', card.summary, WECOM_CHARS.desc, dropped),
    },
  };

  if (type === 'vote_interaction') {
    for (const b of card.blocks) {
      if (b.kind === 'checklist' || b.kind === 'divider' || b.kind === 'actions') continue;
      dropped.push(`${describe(b)}: vote_interaction shows only the checklist`);
    }
    for (const t of tapped) dropped.push(`${named(t)}: vote_interaction has only its submit button`);
    for (const extra of checklists.slice(1)) dropped.push(`checklist ${extra.id}: WeCom shows one checklist per card`);
  } else {
    const lang = card.lang ?? 'zh';
    const text = subTitle(textLines(card.blocks, lang), dropped);
    if (text) payload.sub_title_text = text;
    const links: Extract<Block, { kind: 'link' }>[] = [];
    for (const b of card.blocks) {
      if (b.kind !== 'link') continue;
      if (isHttpUrl(b.url)) links.push(b);
      else dropped.push(`link ${quote(b.label)}: WeCom opens only http(s) links`);
    }
    // button_interaction has no jump_list: a link there is a horizontal_content_list entry of type 1 (跳转url).
    const linkFields =
      type === 'text_notice' ? [] : links.map((l) => ({ label: t(lang, 'render.link'), value: l.label, url: l.url }));
    const fields = [...card.blocks.flatMap((b) => (b.kind === 'fields' ? b.fields : [])), ...linkFields];
    fields.slice(MAX_FIELDS).forEach((f) => dropped.push(`field ${f.label}: WeCom allows ${MAX_FIELDS} fields`));
    if (fields.length)
      payload.horizontal_content_list = fields.slice(0, MAX_FIELDS).map((f) => ({
        keyname: fit(`field ${f.label}`, ('short' in f && f.short) || f.label, WECOM_CHARS.keyname, dropped),
        value: fit(`field ${f.label}`, f.value, WECOM_CHARS.value, dropped),
        ...('url' in f ? { type: 1, url: f.url } : {}),
      }));
    if (type === 'text_notice') {
      links.slice(MAX_LINKS).forEach((l) => dropped.push(`link ${quote(l.label)}: WeCom allows ${MAX_LINKS} links`));
      if (links.length)
        payload.jump_list = links.slice(0, MAX_LINKS).map((l) => ({
          type: 1,
          title: fit(`link ${quote(l.label)}`, l.label, WECOM_CHARS.jumpTitle, dropped),
          url: l.url,
        }));
      // text_notice requires a card_action: the whole card opens the page it came from.
      payload.card_action = { type: 1, url: opts.url };
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
