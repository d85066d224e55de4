// The message catalogue: one JSON file per language (zh.json, en.json), plural forms by Intl.PluralRules, dates by Intl.
import zh from './zh.json' with { type: 'json' };
import en from './en.json' with { type: 'json' };

export const LANGS = ['zh', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/** A catalogue key; plural keys are written `key_one` / `key_other` in the files and asked for as `key`. */
type Raw = keyof typeof zh;
export type MessageKey = Raw extends infer K ? (K extends `${infer B}_other` ? B : K) : never;

export const CATALOGUES: Record<Lang, Record<string, string>> = { zh, en };

const plurals = new Map<Lang, Intl.PluralRules>();
const pluralOf = (lang: Lang, n: number) => {
  if (!plurals.has(lang)) plurals.set(lang, new Intl.PluralRules(lang));
  return plurals.get(lang)!.select(n);
};

/**
 * The text of `key` in `lang`, with `{name}` placeholders filled. A numeric `count` picks the plural form the language
 * uses for it (English: _one / _other; Chinese has only _other). A key missing from a language falls back to Chinese,
 * which the catalogue test forbids, so that a slip shows Chinese rather than a key.
 */
export function t(lang: Lang, key: MessageKey, vars: Record<string, string | number> = {}): string {
  const cat = CATALOGUES[lang];
  const n = vars.count;
  const forms = typeof n === 'number' ? [`${key}_${pluralOf(lang, n)}`, `${key}_other`, key] : [key, `${key}_other`];
  const found = forms.find((k) => k in cat) ?? forms.find((k) => k in zh);
  const text = found ? (cat[found] ?? (zh as Record<string, string>)[found]!) : key;
  return text.replace(/\{(\w+)\}/g, (m, v: string) => (v in vars ? String(vars[v]) : m));
}

/** A translator for one language, the way card builders take it. */
export type T = (key: MessageKey, vars?: Record<string, string | number>) => string;
export const translator =
  (lang: Lang = 'zh'): T =>
  (key, vars) =>
    t(lang, key, vars);

/** Names joined the way the language lists them (、 in Chinese, commas in English). */
export const list = (lang: Lang, items: string[]) => items.join(t(lang, 'list.sep'));

/**
 * A calendar date ("2026-06-30") as the language writes it: Chinese keeps the ISO form the handbook uses, English
 * writes "30 June 2026". Anything that is not such a date is shown as it is.
 */
export function formatDate(lang: Lang, iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (lang === 'zh' || !m) return iso;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    d,
  );
}

/** A value from outside (an import, a command) as a language, or null when it names none. */
export function parseLang(v: string): Lang | null {
  const s = v.trim().toLowerCase();
  if (['zh', '中文', 'chinese', 'zh-cn', 'cn'].includes(s)) return 'zh';
  if (['en', 'english', '英文', 'en-us', 'en-gb'].includes(s)) return 'en';
  return null;
}
