// Feishu's size limits on a card, counted the way its documentation counts them, for the renderer and the page-size logic.

/**
 * "卡片中的元素（如 tag 为 plain_text 的文本元素）或组件不超过 200 个" (open.feishu.cn/document/feishu-cards/card-json-v2-structure):
 * every object with a `tag` counts, containers and what they hold, text objects such as a button's plain_text label, a
 * confirm's title and text and the header's title included. A chart's `chart_spec` is VChart data, not card elements.
 */
export const MAX_ELEMENTS = 200;

/**
 * The card body may be at most 30 KB (error 230025); counted as 30,000 bytes of UTF-8 JSON, so a card that passes here
 * cannot fail on a kibibyte reading.
 */
export const MAX_BYTES = 30_000;

// Loops rather than Object.entries / reduce: every tap's answer is counted, and the arrays were most of the cost.
export function countElements(v: unknown): number {
  if (!v || typeof v !== 'object') return 0;
  let n = 0;
  if (Array.isArray(v)) {
    for (const x of v) n += countElements(x);
    return n;
  }
  const o = v as Record<string, unknown>;
  if (typeof o.tag === 'string') n = 1;
  for (const key in o) if (key !== 'chart_spec' && Object.hasOwn(o, key)) n += countElements(o[key]);
  return n;
}
