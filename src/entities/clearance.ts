// One student's state on one step: the row every decision compares and sets.
import { defineEntity, p } from '@mikro-orm/core';
import { Person } from './person.ts';
import { Student } from './student.ts';

export const CLEARANCE_STATUSES = ['pending', 'passed', 'returned', 'not_applicable'] as const;
export type ClearanceStatus = (typeof CLEARANCE_STATUSES)[number];
export const DECISION_SOURCES = ['card', 'list', 'rule', 'api', 'admin'] as const;
export type DecisionSource = (typeof DECISION_SOURCES)[number];

export const Clearance = defineEntity({
  name: 'Clearance',
  tableName: 'clearance',
  uniques: [{ properties: ['student', 'stepKey'] }],
  indexes: [{ properties: ['stepKey', 'status'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    student: () => p.manyToOne(Student),
    stepKey: p.text(),
    status: p.text().default('pending'),
    version: p.integer().default(1),
    decidedBy: () => p.manyToOne(Person).nullable().index(), // deleting a person (a purge) checks it
    /** Who decided, as shown to people: a staff name, or the integration / list that did it. */
    decidedByLabel: p.text().nullable(),
    decidedAt: p.datetime().nullable(),
    source: p.text().nullable(),
    reason: p.text().nullable(),
    /** Arrears from a block list, shown only to the student and the office. */
    amount: p.decimal().precision(12).scale(2).nullable(),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
});
