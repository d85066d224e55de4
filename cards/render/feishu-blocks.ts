// Card JSON 2.0 elements for the neutral card's blocks, one renderer per block kind (https://open.feishu.cn/document/feishu-cards/card-json-v2-structure).
import { stateLabel, type Block, type Button, type Card, type StepState, type Tone } from '../model.ts';
import { isHttpUrl, quote, segments } from './text.ts';
import { t, type Lang } from '../i18n/index.ts';

export type El = Record<string, unknown>;

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

export const pt = (content: string): El => ({ tag: 'plain_text', content });
export const md = (content: string): El => ({ tag: 'markdown', content });

/**
 * Names, cells and reasons come from imported lists, so everything that is not our own **bold** is escaped:
 * `<` `>` would open tags such as <font> or <at>, `*` `~` `[` `]` `` ` `` would become emphasis, links or code.
 * Feishu markdown reads HTML character references, which is how its own docs say to show these characters.
 */
function esc(s: string): string {
  return s.replace(/[&<>*~[\]`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function mdText(text: string): string {
  return segments(text)
    .map((s) => (s.bold ? `**${esc(s.text)}**` : esc(s.text)))
    .join('');
}

/** <font> is applied per line: a colour tag that spans a newline is not reliably closed. */
export const font = (color: Tone, text: string) =>
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

/** What every block's renderer shares: unique names within the card, the card's language, and what was dropped. */
interface Ctx {
  id: (base: string) => string;
  lang: Lang;
  dropped: string[];
}

function button(b: Button, x: Ctx, submitName?: string): El {
  if (b.confirm && !submitName)
    x.dropped.push(`confirm of button ${b.label}: Feishu asks only before a form is submitted`);
  return {
    tag: 'button',
    ...(submitName ? { name: submitName } : {}),
    text: pt(b.label),
    type: BUTTON_TYPE[b.style],
    ...(submitName ? { form_action_type: 'submit' } : {}),
    behaviors: [{ type: 'callback', value: b.value }],
    ...(b.confirm && submitName ? { confirm: { title: pt(b.confirm.title), text: pt(b.confirm.text) } } : {}),
  };
}

/** A form may only sit at the card's root and its buttons must submit, so a button that asks for text gets a form of its own. */
function form(b: Button, base: string, x: Ctx, before: El[] = []): El {
  return {
    tag: 'form',
    name: x.id(`f_${base}`),
    elements: [
      ...before,
      ...(b.input
        ? [{ tag: 'input', name: x.id(b.input.name), placeholder: pt(b.input.placeholder), required: true }]
        : []),
      button(b, x, x.id(`s_${base}`)),
    ],
  };
}

const buttonColumns = (bs: Button[], x: Ctx): El[] =>
  bs.map((b) => ({ tag: 'column', width: 'auto', vertical_align: 'center', elements: [button(b, x)] }));

type BlockOf<K extends Block['kind']> = Extract<Block, { kind: K }>;

/** One renderer per block kind. */
const RENDER: { [K in Block['kind']]: (b: BlockOf<K>, x: Ctx) => El[] } = {
  text: (b) => [md(mdText(b.text))],
  fields: (b) => [md(b.fields.map((f) => `**${esc(f.label)}**：${esc(f.value)}`).join('\n'))],
  step: (b, x) => {
    const head = `**${esc(b.name)}** · <font color='${STATE_COLOR[b.state]}'>${esc(stateLabel(b.state, x.lang))}</font>`;
    return [md([head, ...b.lines.map(esc), ...(b.more ?? []).map(esc)].join('\n'))];
  },
  row: (b, x) => {
    // One markdown per student (name, lines and, once decided, the result), then its buttons: 1 element for a decided
    // row, 8 for an open one (通过 2, the 退回 form 5 with its placeholder). A column_set would put 通过 beside the text
    // but costs 3 more per row, which is 3 students fewer a page. A decided row keeps the buttons it still has (撤销 of
    // one's own decision).
    const text = [
      `**${esc(b.title)}**`,
      ...b.lines.map(esc),
      ...(b.result ? [font(b.result.tone, b.result.text)] : []),
    ];
    const row = { tag: 'markdown', element_id: x.id(`row_${b.id}`), content: text.join('\n') };
    return [
      row,
      ...b.buttons.filter((y) => !y.input).map((y) => button(y, x)),
      ...b.buttons.filter((y) => y.input).map((y) => form(y, b.id, x)),
    ];
  },
  actions: (b, x) => {
    // A confirm dialog is documented to fire on a form's submit button, so a button that asks first gets a form of its own.
    const plain = b.buttons.filter((y) => !y.input && !y.confirm);
    const set = plain.length ? [{ tag: 'column_set', flex_mode: 'flow', columns: buttonColumns(plain, x) }] : [];
    const asking = b.buttons.filter((y) => y.input || y.confirm).map((y, i) => form(y, `actions${i || ''}`, x));
    return [...asking, ...set];
  },
  checklist: (b, x) => {
    // A multi-select rather than one checker per option: its values come back as the option ids themselves,
    // where checkers would come back under names that cannot hold an id like "1001.3".
    const select = {
      tag: 'multi_select_static',
      name: x.id('selected'),
      placeholder: pt(t(x.lang, 'render.select')),
      width: 'fill',
      required: true,
      options: b.options.map((o) => ({ text: pt(o.label), value: o.id })),
    };
    return [form(b.submit, b.id, x, [select])];
  },
  bars: (b, x) => [chart(b, x.lang)],
  link: (b, x) => {
    // isHttpUrl has already refused spaces; a bracket would end the markdown link early (encodeURIComponent keeps them).
    if (isHttpUrl(b.url)) return [md(`[${esc(b.label)}](${b.url.trim().replace(/\(/g, '%28').replace(/\)/g, '%29')})`)];
    x.dropped.push(`link ${quote(b.label)}: Feishu opens only http(s) links, not ${quote(b.url, 24)}`);
    return [md(esc(b.label))];
  },
  note: (b) => [md(font('grey', b.text))],
  divider: () => [{ tag: 'hr' }],
};

/** The card's blocks as card JSON 2.0 elements, each by the renderer of its kind; what Feishu cannot show goes to `dropped`. */
export function renderBlocks(card: Card, dropped: string[]): El[] {
  const x: Ctx = { id: namer(), lang: card.lang ?? 'zh', dropped };
  return card.blocks.flatMap((b) => (RENDER[b.kind] as (b: Block, x: Ctx) => El[])(b, x));
}
