// Clearance changes not yet handed to the job queue: decisions insert here, the drain groups them into jobs.
import { defineEntity, p } from '@mikro-orm/core';

export const ChangeOutbox = defineEntity({
  name: 'ChangeOutbox',
  tableName: 'change_outbox',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    clearanceId: p.integer(),
    version: p.integer(),
    cause: p.text(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
