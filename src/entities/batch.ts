// An applied import, list, bulk decision or undo (src/batches): listed by `lixiao batches`, undone by `lixiao undo`.
import { defineEntity, p } from '@mikro-orm/core';

export const Batch = defineEntity({
  name: 'Batch',
  tableName: 'batch',
  indexes: [{ properties: ['at'] }],
  properties: {
    id: p.integer().primary().autoincrement(),
    kind: p.text(),
    at: p.datetime().defaultRaw('now()'),
    by: p.text(),
    count: p.integer().default(0),
    summary: p.json<Record<string, unknown>>().default('{}'),
    /** the undo batch that reverted this one */
    undoneBy: p.integer().nullable(),
    /** for an undo: the batch it reverted */
    undoes: p.integer().nullable(),
  },
});
