// The neutral Card as a Feishu card JSON 2.0 (https://open.feishu.cn/document/feishu-cards/card-json-v2-structure): buttons in column_sets, typing in forms.
import type { Card, Rendered } from '../model.ts';
import { countElements, MAX_BYTES, MAX_ELEMENTS } from './feishu-limits.ts';
import { t, type Lang } from '../i18n/index.ts';
import { font, md, mdText, pt, renderBlocks, type El } from './feishu-blocks.ts';

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
