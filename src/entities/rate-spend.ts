// A token taken from a rate-limit bucket shared by every instance (src/delivery/shared-buckets.ts).
import { defineEntity, p } from '@mikro-orm/core';

export const RateSpend = defineEntity({
  name: 'RateSpend',
  tableName: 'rate_spend',
  indexes: [{ properties: ['key', 'at'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    key: p.text(),
    at: p.datetime(),
  },
});
