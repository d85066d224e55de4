// The neutral Card as a Feishu card JSON 2.0 (https://open.feishu.cn/document/feishu-cards/card-json-v2-structure): buttons in column_sets, typing in forms.
import { stateLabel, type Block, type Button, type Card, type Rendered, type StepState, type Tone } from '../model.ts';
import { countElements, MAX_BYTES, MAX_ELEMENTS } from './feishu-limits.ts';
import { isHttpUrl, quote, segments } from './text.ts';
import { t, type Lang } from '../i18n/index.ts';

type El = Record<string, unknown>;

const BUTTON_TYPE: Record<Button['style'], string> = {
  primary: 'primary_filled',
  danger: 'danger',
  default: 'default',
};
// The same colours as the console (bot/console/page.ts), so a state looks alike wherever it is read.
const STATE_COLOR: Record<StepState, Tone> = {
  pending: 'blue',
  passed: 'green',
  returned: 'red',
  not_applicable: 'grey',
};

const pt = (content: string): El => ({ tag: 'plain_text', content });
const md = (content: string): El => ({ tag: 'markdown', content });

/**
 * Names, cells and reasons come from imported lists, so everything that is not our own **bold** is escaped:
 * `<` `>` would open tags such as <font> or <at>, `*` `~` `[` `]` `` ` `` would become emphasis, links or code.
 * Feishu markdown reads HTML character references, which is how its own docs say to show these characters.
 */
function esc(s: string): string {
  return s.replace(/[&<>*~[\]`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function mdText(text: string): string {
  return segments(text)
    .map((s) => (s.bold ? `**${esc(s.text)}**` : esc(s.text)))
    .join('');
}

/** <font> is applied per line: a colour tag that spans a newline is not reliably closed. */
const font = (color: Tone, text: string) =>
  text
    .split('\n')
    .map((l) => `<font color='${color}'>${mdText(l)}</font>`)
    .join('\n');

/** element_id and form/component names: [A-Za-z][A-Za-z0-9_]*, at most 20 characters, unique in the card. */
function namer(): (base: string) => string {
  const used = new Set<string>();
  return (base) => {
    let b = base.replace(/[^A-Za-z0-9_]/g, '_');
    if (!/^[A-Za-z]/.test(b)) b = `x${b}`;
    b = b.slice(0, 20);
    let name = b;
    for (let i = 2; used.has(name); i++) name = `${b.slice(0, 19 - String(i).length)}_${i}`;
    used.add(name);
    return name;
  };
}

/**
 * What the bot's Feishu parser does with a form submission's `action.form_value`: names were made unique per card
 * by a `_<n>` suffix (namer), which comes off again here. Text goes to `input` (e.g. reason), a multi-select to `selected`.
 */
export function feishuFormTap(formValue: Record<string, unknown>): {
  input?: Record<string, string>;
  selected?: string[];
} {
  const out: { input?: Record<string, string>; selected?: string[] } = {};
  for (const [key, v] of Object.entries(formValue)) {
    const base = key.replace(/_\d+$/, '');
    if (Array.isArray(v)) out.selected = v.map(String);
    else if (typeof v === 'string') (out.input ??= {})[base] = v;
  }
  return out;
}

// The console's tone colours (bot/console/page.ts), so a bar is the same colour on every platform.
const TONE_HEX: Record<Tone, string> = {
  blue: '#3370ff',
  green: '#34a853',
  orange: '#f08a24',
  red: '#e5484d',
  grey: '#8f959e',
};

/**
 * A bars block as the card's `chart` element ("图表组件" of Card JSON 2.0, https://open.feishu.cn/document/feishu-cards/card-json-v2-structure): only `tag` and
 * `chart_spec` are set, because JSON 2.0 refuses unknown properties and the defaults (aspect ratio, height, preview) suit a digest.
 * chart_spec is a VChart bar spec: `type`, `title.text`, `data.values`, `xField` / `yField`, `direction`, `seriesField`,
 * `color`, `label.visible`. Horizontal, because office names are too long for a category axis along the bottom.
 * Unsure (not checked against a live client): that a horizontal band axis lists the first bar at the top rather than the
 * bottom; that colouring each bar by its tone through `seriesField` + an ordinal `color` scale neither stacks nor offsets
 * bars (each label has exactly one datum, so either way one bar per label); that Feishu's own media-query additions keep
 * the legend hidden. Text goes in as data, not markdown, so nothing here needs escaping.
 */
function chart(b: Extract<Block, { kind: 'bars' }>, lang: Lang): El {
  if (!b.bars.length) return md(`**${esc(b.title)}**\n${t(lang, 'render.none')}`);
  const tones = [...new Set(b.bars.map((x) => x.tone))];
  return {
    tag: 'chart',
    chart_spec: {
      type: 'bar',
      title: { text: b.title },
      direction: 'horizontal',
      data: { values: b.bars.map((x) => ({ label: x.label, value: x.value, tone: x.tone })) },
      xField: 'value',
      yField: 'label',
      seriesField: 'tone',
      color: { type: 'ordinal', domain: tones, range: tones.map((t) => TONE_HEX[t]) },
      label: { visible: true },
    },
  };
}

function renderBlocks(card: Card, dropped: string[]): El[] {
  const id = namer();
  const lang = card.lang ?? 'zh';

  const button = (b: Button, submitName?: string): El => {
    if (b.confirm && !submitName)
      dropped.push(`confirm of button ${b.label}: Feishu asks only before a form is submitted`);
    return buttonOf(b, submitName);
  };
  const buttonOf = (b: Button, submitName?: string): El => ({
    tag: 'button',
    ...(submitName ? { name: submitName } : {}),
    text: pt(b.label),
    type: BUTTON_TYPE[b.style],
    ...(submitName ? { form_action_type: 'submit' } : {}),
    behaviors: [{ type: 'callback', value: b.value }],
    ...(b.confirm && submitName ? { confirm: { title: pt(b.confirm.title), text: pt(b.confirm.text) } } : {}),
  });

  /** A form may only sit at the card's root and its buttons must submit, so a button that asks for text gets a form of its own. */
  const form = (b: Button, base: string, before: El[] = []): El => ({
    tag: 'form',
    name: id(`f_${base}`),
    elements: [
      ...before,
      ...(b.input
        ? [{ tag: 'input', name: id(b.input.name), placeholder: pt(b.input.placeholder), required: true }]
        : []),
      button(b, id(`s_${base}`)),
    ],
  });

  const buttonColumns = (bs: Button[]): El[] =>
    bs.map((b) => ({ tag: 'column', width: 'auto', vertical_align: 'center', elements: [button(b)] }));

  const block = (b: Block): El[] => {
    switch (b.kind) {
      case 'text':
        return [md(mdText(b.text))];
      case 'fields':
        return [md(b.fields.map((f) => `**${esc(f.label)}**：${esc(f.value)}`).join('\n'))];
      case 'step': {
        const head = `**${esc(b.name)}** · <font color='${STATE_COLOR[b.state]}'>${esc(stateLabel(b.state, lang))}</font>`;
        return [md([head, ...b.lines.map(esc), ...(b.more ?? []).map(esc)].join('\n'))];
      }
      case 'row': {
        // One markdown per student (name, lines and, once decided, the result), then its buttons: 1 element for a decided
        // row, 8 for an open one (通过 2, the 退回 form 5 with its placeholder). A column_set would put 通过 beside the text
        // but costs 3 more per row, which is 3 students fewer a page. A decided row keeps the buttons it still has (撤销 of
        // one's own decision).
        const text = [
          `**${esc(b.title)}**`,
          ...b.lines.map(esc),
          ...(b.result ? [font(b.result.tone, b.result.text)] : []),
        ];
        const row = { tag: 'markdown', element_id: id(`row_${b.id}`), content: text.join('\n') };
        return [
          row,
          ...b.buttons.filter((x) => !x.input).map((x) => button(x)),
          ...b.buttons.filter((x) => x.input).map((x) => form(x, b.id)),
        ];
      }
      case 'actions': {
        // A confirm dialog is documented to fire on a form's submit button, so a button that asks first gets a form of its own.
        const plain = b.buttons.filter((x) => !x.input && !x.confirm);
        const set = plain.length ? [{ tag: 'column_set', flex_mode: 'flow', columns: buttonColumns(plain) }] : [];
        const asking = b.buttons.filter((x) => x.input || x.confirm).map((x, i) => form(x, `actions${i || ''}`));
        return [...asking, ...set];
      }
      case 'checklist': {
        // A multi-select rather than one checker per option: its values come back as the option ids themselves,
        // where checkers would come back under names that cannot hold an id like "1001.3".
        const select = {
          tag: 'multi_select_static',
          name: id('selected'),
          placeholder: pt(t(lang, 'render.select')),
          width: 'fill',
          required: true,
          options: b.options.map((o) => ({ text: pt(o.label), value: o.id })),
        };
        return [form(b.submit, b.id, [select])];
      }
      case 'bars':
        return [chart(b, lang)];
      case 'link': {
        // isHttpUrl has already refused spaces; a bracket would end the markdown link early (encodeURIComponent keeps them).
        if (isHttpUrl(b.url))
          return [md(`[${esc(b.label)}](${b.url.trim().replace(/\(/g, '%28').replace(/\)/g, '%29')})`)];
        dropped.push(`link ${quote(b.label)}: Feishu opens only http(s) links, not ${quote(b.url, 24)}`);
        return [md(esc(b.label))];
      }
      case 'note':
        return [md(font('grey', b.text))];
      case 'divider':
        return [{ tag: 'hr' }];
    }
  };

  return card.blocks.flatMap(block);
}

/** The payload with its UTF-8 JSON, which the size check produced anyway: an inline answer sends these bytes as they are. */
export interface RenderedFeishu extends Rendered<object> {
  json: Buffer;
}

function cardJson(card: Card, elements: El[]) {
  const payload = {
    schema: '2.0',
    config: { update_multi: true, summary: { content: card.summary } },
    header: { title: pt(card.title), template: card.tone },
    body: { elements },
  };
  // Bytes rather than text: a 20 KB card is then flattened and encoded once, not again for every length and write.
  return { payload, json: Buffer.from(JSON.stringify(payload)) };
}

const LOCALE: Record<Lang, string> = { zh: 'zh_cn', en: 'en_us' };

/**
 * A card in two languages (Card.alt) as one card the Feishu client shows in its viewer's language: every text of the
 * main rendering gets an `i18n_content` with both (card JSON 2.0 has per-component i18n only), and `config.locales`
 * names exactly the two given. The two renderings must have the same shape; where they do not, the main language
 * alone is sent and that is reported.
 */
function bilingual(
  card: Card,
  alt: Card,
  dropped: string[],
): { payload: ReturnType<typeof cardJson>['payload'] } | null {
  const main = cardJson(card, renderBlocks(card, dropped)).payload;
  const other = cardJson(alt, renderBlocks(alt, [])).payload;
  const [a, b] = [LOCALE[card.lang ?? 'zh'], LOCALE[alt.lang ?? 'zh']];
  const merge = (x: unknown, y: unknown): boolean => {
    if (Array.isArray(x)) return Array.isArray(y) && x.length === y.length && x.every((v, i) => merge(v, y[i]));
    if (!x || typeof x !== 'object') return true;
    if (!y || typeof y !== 'object' || (x as El).tag !== (y as El).tag) return false;
    const [ox, oy] = [x as El, y as El];
    if (typeof ox.content === 'string' && typeof oy.content === 'string' && ox !== main.config.summary)
      ox.i18n_content = { [a]: ox.content, [b]: oy.content };
    return Object.keys(ox).every((k) => k === 'content' || k === 'i18n_content' || merge(ox[k], oy[k]));
  };
  if (!merge(main.header, other.header) || !merge(main.body, other.body)) {
    dropped.push(`the ${alt.lang ?? 'zh'} text: its card differs in shape from the ${card.lang ?? 'zh'} one`);
    return null;
  }
  const config = {
    ...main.config,
    locales: [a, b],
    summary: { content: card.summary, i18n_content: { [a]: card.summary, [b]: alt.summary } },
  };
  return { payload: { ...main, config } };
}

/** The card's size as Feishu counts it, before any guard: what the page-size logic asks about a probe card. */
export function feishuSize(card: Card): { elements: number; bytes: number } {
  const built = cardJson(card, renderBlocks(card, []));
  return { elements: countElements(built.payload), bytes: built.json.length };
}

/**
 * Never a card Feishu would refuse: one over 200 elements or 30 KB (feishu-limits.ts) is replaced by its title and summary,
 * without buttons (a "pass this page" that no longer matched the rows shown would be worse than none), and reported.
 * Builders keep their cards inside the limits (the pending card's page size comes from them), so this is a last guard.
 */
export function renderFeishu(card: Card): RenderedFeishu {
  const dropped: string[] = [];
  const both = card.alt ? bilingual(card, card.alt, dropped) : null;
  const built = both
    ? { payload: both.payload, json: Buffer.from(JSON.stringify(both.payload)) }
    : cardJson(card, renderBlocks(card, card.alt ? [] : dropped));
  const count = countElements(built.payload);
  const size = built.json.length;
  if (count <= MAX_ELEMENTS && size <= MAX_BYTES) return { ...built, dropped };
  if (count > MAX_ELEMENTS) dropped.push(`card has ${count} elements: Feishu allows ${MAX_ELEMENTS}`);
  if (size > MAX_BYTES) dropped.push(`card is ${size} bytes: Feishu allows 30 KB`);
  const short = cardJson(card, [
    md(mdText(card.summary.slice(0, 2000))),
    md(font('grey', t(card.lang ?? 'zh', 'render.too_big'))),
  ]);
  return { ...short, dropped };
}
