// A graduating student of the season, with college, campus, exit type and deadline.
import { defineEntity, p } from '@mikro-orm/core';
import { College } from './college.ts';
import { Person } from './person.ts';

export const Student = defineEntity({
  name: 'Student',
  tableName: 'student',
  properties: {
    id: p.integer().primary().autoincrement(),
    studentNo: p.text().unique(),
    name: p.text(),
    college: () => p.manyToOne(College).index(),
    campus: p.text().nullable(),
    degree: p.text().nullable(),
    exitType: p.text().default('毕业'),
    deadline: p.date().nullable(),
    person: () => p.manyToOne(Person).unique(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
});
