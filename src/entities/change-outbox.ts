// Clearance changes not yet handed to the job queue: decisions insert here, the drain groups them into jobs.
import { defineEntity, p } from '@mikro-orm/core';
import { Clearance } from './clearance.ts';

export const ChangeOutbox = defineEntity({
  name: 'ChangeOutbox',
  tableName: 'change_outbox',
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    // a purged clearance takes its queued changes with it
    clearance: () => p.manyToOne(Clearance).deleteRule('cascade'),
    version: p.integer(),
    cause: p.text(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
