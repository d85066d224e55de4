// Who holds what: a person's role on a step for a college / campus, ended (not deleted) on removal.
import { defineEntity, p } from '@mikro-orm/core';
import { College } from './college.ts';
import { Person } from './person.ts';

export const ROLES = ['handler', 'college_admin', 'school_admin'] as const;
export type Role = (typeof ROLES)[number];

export const Assignment = defineEntity({
  name: 'Assignment',
  tableName: 'assignment',
  indexes: [{ properties: ['stepKey', 'endedAt'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    person: () => p.manyToOne(Person).index(),
    role: p.text(),
    stepKey: p.text().nullable(),
    /** null: every college */
    college: () => p.manyToOne(College).nullable(),
    /** null: every campus */
    campus: p.text().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    endedAt: p.datetime().nullable(),
  },
});
