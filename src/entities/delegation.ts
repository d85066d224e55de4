// Who acts for whom: a stand-in (代理) for a date range, a supervisor's authorised person (授权人), or someone away with
// nobody named (休假); ended, not deleted.
import { defineEntity, p } from '@mikro-orm/core';
import { Person } from './person.ts';

export const DELEGATION_KINDS = ['stand_in', 'authorised', 'away'] as const;
export type DelegationKind = (typeof DELEGATION_KINDS)[number];

export const Delegation = defineEntity({
  name: 'Delegation',
  tableName: 'delegation',
  properties: {
    id: p.integer().primary().autoincrement(),
    /** the person whose work is covered */
    fromPerson: () => p.manyToOne(Person),
    /** the person who covers it; null for `away` (nobody named) */
    toPerson: () => p.manyToOne(Person).nullable(),
    kind: p.text(),
    startsAt: p.datetime().defaultRaw('now()'),
    /** null: until cancelled (an authorisation); a stand-in always has an end */
    endsAt: p.datetime().nullable(),
    createdBy: p.text(),
    createdAt: p.datetime().defaultRaw('now()'),
    /** set when cancelled early (取消代理 / 取消授权) */
    endedAt: p.datetime().nullable(),
    endedBy: p.text().nullable(),
  },
});
