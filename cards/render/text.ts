// Small text helpers the three renderers share: the **bold** markup of text blocks, sizes and short quotes for drop reports.

export interface Segment {
  text: string;
  bold: boolean;
}

/**
 * A text block's only markup is **bold**. Splitting it once here lets each renderer escape the words
 * for its own format and then add its own bold, so a `*` or `<` inside a name can never become markup.
 * An unpaired `**` stays literal text.
 */
export function segments(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(/\*\*(.+?)\*\*/gs)) {
    if (m.index > last) out.push({ text: text.slice(last, m.index), bold: false });
    out.push({ text: m[1]!, bold: true });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), bold: false });
  return out;
}

/** The text without its markup, for platforms that show plain text only. */
export function plain(text: string): string {
  return segments(text)
    .map((s) => s.text)
    .join('');
}

/** Platform limits are in bytes of UTF-8, and a Chinese character is three of them (counted without encoding a copy). */
export function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** A short quote of a block for a drop report: enough to find it, not the whole paragraph. */
export function quote(text: string, max = 16): string {
  const flat = plain(text).replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** http(s) only: the one kind of link every platform opens and none can turn into script. */
export function isHttpUrl(url: string): boolean {
  return /^https?:\/\/[^\s]+$/i.test(url.trim());
}
