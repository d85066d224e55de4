// Small cards: help, "how to get registered", errors, and the notices sent when something changes.
import type { Block, Card, Tone } from '../model.ts';
import { clip } from './pending-rows.ts';
import { list, LANGS, translator, type Lang } from '../i18n/index.ts';

export function helpCard(who: { name: string; isStudent: boolean; steps: string[]; lang?: Lang }): Card {
  const lang = who.lang ?? 'zh';
  const t = translator(lang);
  const blocks: Block[] = [];
  if (who.isStudent)
    blocks.push({ kind: 'text', text: t('help.status') }, { kind: 'text', text: t('help.certificate') });
  if (who.steps.length)
    blocks.push({
      kind: 'text',
      text: [
        t('help.steps', { steps: list(lang, who.steps) }),
        t('help.todo'),
        t('help.lookup'),
        t('help.pass'),
        t('help.return'),
        t('help.undo'),
      ].join('\n'),
    });
  if (who.steps.length)
    // a detail: WeCom's 160 characters go to the daily words above
    blocks.push({ kind: 'text', text: t('help.delegate'), detail: true });
  // The language line is a detail too: WeCom's 160 characters go to the commands first.
  blocks.push({ kind: 'text', text: t('help.help') }, { kind: 'text', text: t('help.language'), detail: true });
  return { type: 'help', lang, title: t('help.title'), tone: 'blue', summary: t('help.summary'), blocks };
}

function unknownIn(lang: Lang): Card {
  const t = translator(lang);
  return {
    type: 'unknown_person',
    lang,
    title: t('unknown.title'),
    tone: 'grey',
    summary: t('unknown.summary'),
    blocks: [
      { kind: 'text', text: t('unknown.who') },
      { kind: 'text', text: t('unknown.what') },
    ],
  };
}

/**
 * Whoever this is, we know nothing of them, their language included: the card is in `lang` (Chinese by default) and
 * carries the other language too, for a platform whose client shows each viewer their own (Feishu).
 */
export function unknownPersonCard(lang: Lang = 'zh'): Card {
  const other = LANGS.find((l) => l !== lang)!;
  return { ...unknownIn(lang), alt: unknownIn(other) };
}

export function errorCard(message: string, tone: Tone = 'red', lang: Lang = 'zh'): Card {
  const title = translator(lang)('error.title');
  return { type: 'error', lang, title, tone, summary: message, blocks: [{ kind: 'text', text: message }] };
}

/** WeCom shows a card's summary as its description: "建议不超过44个字" (developer.work.weixin.qq.com/document/path/90236). */
const SUMMARY_CHARS = 44;

/**
 * `summary`: the line a chat list and WeCom's description show; the text itself by default, cut to fit. `hint`: the
 * closing note, a student's by default; null for none (a notice to staff says what to send in its lines).
 */
export function noticeCard(n: {
  title: string;
  text: string;
  tone: Tone;
  lines?: string[];
  summary?: string;
  lang?: Lang;
  hint?: string | null;
}): Card {
  const lang = n.lang ?? 'zh';
  const blocks: Block[] = [{ kind: 'text', text: n.text }];
  if (n.lines?.length) blocks.push({ kind: 'note', text: n.lines.join('\n') });
  const hint = n.hint === undefined ? translator(lang)('notice.see_status') : n.hint;
  if (hint) blocks.push({ kind: 'note', text: hint });
  return {
    type: 'notice',
    lang,
    title: n.title,
    tone: n.tone,
    summary: clip(n.summary ?? n.text, SUMMARY_CHARS),
    blocks,
  };
}
