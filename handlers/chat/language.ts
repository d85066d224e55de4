// English / 中文 / language en|zh: a person chooses the language of their cards and notices.
import { noticeCard, parseLang, t, type Card, type Lang } from '../../cards/index.ts';
import type { Identity } from '../../src/people/identify.ts';
import { setOwnLang } from '../../src/people/lang.ts';
import type { Session } from '../session.ts';

/** The language a message asks for: "English", "中文", "language en", "语言 中文"; null for any other message. */
export function languageWord(text: string): Lang | null {
  const words = text.trim().toLowerCase().split(/\s+/);
  if (words.length === 1 && ['english', '中文', '英文'].includes(words[0]!)) return parseLang(words[0]!);
  if (words.length === 2 && ['language', 'lang', '语言'].includes(words[0]!)) return parseLang(words[1]!);
  return null;
}

export async function switchLanguage(s: Session, me: Identity, lang: Lang): Promise<Card> {
  await setOwnLang(s.em, { personId: me.personId, name: me.name, studentId: me.student?.id ?? null }, lang);
  me.lang = lang;
  return noticeCard({ lang, title: t(lang, 'lang.set_title'), text: t(lang, 'lang.set'), tone: 'green' });
}
