// Finds platform ids in an import that already belong to someone else, and ids repeated within the file.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { BadRow, CsvRow } from './csv.ts';
import { pgTextArray } from '../db/pg-array.ts';
import { IDENTITY_COLUMNS, type Identity } from './fields.ts';

/** Whom a row is about: a key that is the same for rows of one person, and their person id if on file. */
export interface Owner {
  key: string;
  personId: number | null;
}

/** An id held by any other person is a bad row, since a chat id must lead to exactly one person. */
export async function identityConflicts<T extends Identity>(
  em: EntityManager,
  rows: CsvRow<T>[],
  ownerOf: (row: CsvRow<T>) => Owner,
): Promise<BadRow[]> {
  const bad: BadRow[] = [];
  for (const col of IDENTITY_COLUMNS) {
    const seen = new Map<string, CsvRow<T>>();
    for (const r of rows) {
      const v = r.value[col];
      if (!v) continue;
      const first = seen.get(v);
      if (first && ownerOf(first).key !== ownerOf(r).key)
        bad.push({ line: r.line, reason: `${col} ${v} is also on line ${first.line}` });
      else if (!first) seen.set(v, r);
    }
    if (!seen.size) continue;
    const held = await em.execute<{ id: number; v: string; name: string }[]>(
      `select id, ${col} as v, name from person where ${col} = any(?::text[])`,
      [pgTextArray([...seen.keys()])],
    );
    for (const h of held) {
      const r = seen.get(h.v)!;
      if (ownerOf(r).personId !== h.id)
        bad.push({ line: r.line, reason: `${col} ${h.v} already belongs to ${h.name}` });
    }
  }
  return bad;
}
