// The delegations in force at a moment: who is away, who stands in for them, until when, and who said so.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DelegationKind } from '../entities/delegation.ts';
import { activeAt } from './delegations.ts';

export interface DelegationRow {
  id: number;
  kind: DelegationKind;
  fromPersonId: number;
  from: string;
  toPersonId: number | null;
  to: string | null;
  startsAt: string;
  endsAt: string | null;
  createdBy: string;
}

export async function activeDelegations(em: EntityManager, now: Date): Promise<DelegationRow[]> {
  const rows = await em.execute<
    {
      id: number;
      kind: DelegationKind;
      from_person_id: number;
      from_name: string;
      to_person_id: number | null;
      to_name: string | null;
      starts_at: Date;
      ends_at: Date | null;
      created_by: string;
    }[]
  >(
    `select d.id, d.kind, d.from_person_id, f.name as from_name, d.to_person_id, t.name as to_name, d.starts_at, d.ends_at, d.created_by
       from delegation d join person f on f.id = d.from_person_id left join person t on t.id = d.to_person_id,
            (select ?::timestamptz as t) at
      where ${activeAt('d', 'at.t')}
      order by f.name, d.id`,
    [now.toISOString()],
  );
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    fromPersonId: r.from_person_id,
    from: r.from_name,
    toPersonId: r.to_person_id,
    to: r.to_name,
    startsAt: new Date(r.starts_at).toISOString(),
    endsAt: r.ends_at ? new Date(r.ends_at).toISOString() : null,
    createdBy: r.created_by,
  }));
}
