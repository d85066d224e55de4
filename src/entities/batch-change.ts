// One row a batch changed, as it was before the batch and after it (written by the batch_record trigger).
import { defineEntity, p } from '@mikro-orm/core';
import { Batch } from './batch.ts';

export const BatchChange = defineEntity({
  name: 'BatchChange',
  tableName: 'batch_change',
  indexes: [{ properties: ['tableName', 'rowId'] }],
  properties: {
    batch: () => p.manyToOne(Batch).primary().deleteRule('cascade'),
    tableName: p.text().primary(),
    rowId: p.integer().primary(),
    seq: p.bigint('number').autoincrement(),
    before: p.json<Record<string, unknown>>().nullable(),
    after: p.json<Record<string, unknown>>().nullable(),
  },
});
