// The append-only audit trail: every decision, denied attempt, import and staff change.
import { defineEntity, p } from '@mikro-orm/core';

export const AuditEvent = defineEntity({
  name: 'AuditEvent',
  tableName: 'audit_event',
  indexes: [{ properties: ['stepKey', 'at'] }, { properties: ['studentId'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    at: p.datetime().defaultRaw('now()'),
    /** Plain ids, not foreign keys: the trail outlives the rows it speaks of. */
    actorPersonId: p.integer().nullable(),
    actorLabel: p.text(),
    action: p.text(),
    outcome: p.text(),
    studentId: p.integer().nullable(),
    stepKey: p.text().nullable(),
    detail: p.json<Record<string, unknown>>().default('{}'),
    /** the batch (lixiao batches) the row was written in, from the transaction's lixiao.batch_id */
    batchId: p.integer().nullable().defaultRaw("nullif(current_setting('lixiao.batch_id', true), '')::int"),
  },
});
