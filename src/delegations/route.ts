// Where a person's scheduled messages (digests, nudges, "ready" notices) go while they are away: to their stand-in,
// or to nobody when they are away with nobody named.
import type { EntityManager } from '@mikro-orm/postgresql';
import { pgIntArray } from '../db/pg-array.ts';
import { activeAt } from './delegations.ts';

/** Each person to whom their messages go at `now`: themselves, their stand-in, or null (away, nobody named). */
export async function routeTo(em: EntityManager, personIds: number[], now: Date): Promise<Map<number, number | null>> {
  const ids = [...new Set(personIds)];
  if (!ids.length) return new Map();
  const rows = await em.execute<{ id: number; kind: string | null; to_person_id: number | null }[]>(
    `select x.id, d.kind, d.to_person_id
       from unnest(?::int[]) as x(id) cross join (select ?::timestamptz as t) at
       left join lateral (select d.kind, d.to_person_id from delegation d
                           where d.from_person_id = x.id and d.kind in ('stand_in', 'away') and ${activeAt('d', 'at.t')}
                           order by d.id desc limit 1) d on true`,
    [pgIntArray(ids), now.toISOString()],
  );
  return new Map(rows.map((r) => [r.id, r.kind ? r.to_person_id : r.id]));
}

/** The people who receive what `personIds` would, once each, in the order first named; the away and uncovered drop out. */
export async function recipientsOf(em: EntityManager, personIds: number[], now: Date): Promise<number[]> {
  const to = await routeTo(em, personIds, now);
  const out = new Set<number>();
  for (const id of personIds) {
    const r = to.get(id);
    if (r !== null && r !== undefined) out.add(r);
  }
  return [...out];
}

export interface Absence {
  delegationId: number;
  kind: 'stand_in' | 'away';
  /** the stand-in; null when away with nobody named */
  to: { personId: number; name: string } | null;
  endsAt: Date;
}

/** Whether `personId` is away at `now`, and who stands in for them. */
export async function absenceOf(em: EntityManager, personId: number, now: Date): Promise<Absence | null> {
  const [row] = await em.execute<
    { id: number; kind: Absence['kind']; to_person_id: number | null; name: string | null; ends_at: Date }[]
  >(
    `select d.id, d.kind, d.to_person_id, p.name, d.ends_at
       from delegation d left join person p on p.id = d.to_person_id, (select ?::timestamptz as t) at
      where d.from_person_id = ? and d.kind in ('stand_in', 'away') and ${activeAt('d', 'at.t')}
      order by d.id desc limit 1`,
    [now.toISOString(), personId],
  );
  if (!row) return null;
  return {
    delegationId: row.id,
    kind: row.kind,
    to: row.to_person_id ? { personId: row.to_person_id, name: row.name! } : null,
    endsAt: new Date(row.ends_at),
  };
}
