// A person's language: read for the cards sent to them, and changed by them (English / 中文), audited.
import type { EntityManager } from '@mikro-orm/postgresql';
import { insertAudit } from '../audit/insert-audit.ts';
import { pgIntArray } from '../db/pg-array.ts';

export type PersonLang = 'zh' | 'en';

/** The language of each person named (Chinese for one not on file). */
export async function langsOf(em: EntityManager, personIds: number[]): Promise<Map<number, PersonLang>> {
  if (!personIds.length) return new Map();
  const rows = await em.execute<{ id: number; lang: PersonLang | null }[]>(
    'select id, lang from person where id = any(?::int[])',
    [pgIntArray([...new Set(personIds)])],
  );
  return new Map(rows.map((r) => [r.id, r.lang ?? 'zh']));
}

/** A person sets their own language; the change is audited with what it was before. False when nothing changed. */
export async function setOwnLang(
  em: EntityManager,
  me: { personId: number; name: string; studentId: number | null },
  lang: PersonLang,
): Promise<boolean> {
  return em.transactional(async (t) => {
    const [row] = await t.execute<{ lang: PersonLang | null }[]>('select lang from person where id = ? for update', [
      me.personId,
    ]);
    if (!row || row.lang === lang) return false;
    await t.execute('update person set lang = ? where id = ?', [lang, me.personId]);
    await insertAudit(t, { actorPersonId: me.personId, actorLabel: me.name, action: 'person.lang', stepKey: null }, [
      { outcome: 'changed', studentId: me.studentId, detail: { from: row.lang, to: lang } },
    ]);
    return true;
  });
}
