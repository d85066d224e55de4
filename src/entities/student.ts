// A graduating student of the season, with college, campus, exit type and deadline.
import { defineEntity, p } from '@mikro-orm/core';
import { College } from './college.ts';
import { Person } from './person.ts';
import { Season } from './season.ts';

export const Student = defineEntity({
  name: 'Student',
  tableName: 'student',
  properties: {
    id: p.integer().primary().autoincrement(),
    studentNo: p.text().unique(),
    season: () => p.manyToOne(Season).index(),
    name: p.text(),
    college: () => p.manyToOne(College).index(),
    campus: p.text().nullable(),
    degree: p.text().nullable(),
    exitType: p.text().default('毕业'),
    deadline: p.date().nullable(),
    person: () => p.manyToOne(Person).unique(),
    /** the supervisor (导师) who confirms this student's departure in chat; null: the paper form only */
    supervisor: () => p.manyToOne(Person).nullable(),
    /** The unguessable part of the link to this student's prefilled supervisor confirmation form (about 244 random bits). */
    formToken: p
      .text()
      .defaultRaw(`replace(gen_random_uuid()::text, '-', '') || replace(gen_random_uuid()::text, '-', '')`)
      .unique(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
});
