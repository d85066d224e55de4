// A card we sent on a platform, so that every copy can be updated in place when its students change.
import { defineEntity, p } from '@mikro-orm/core';

export const DeliveredCard = defineEntity({
  name: 'DeliveredCard',
  tableName: 'delivered_card',
  indexes: [
    { properties: ['personId'] },
    {
      name: 'delivered_card_clearance_ids_gin',
      expression: 'create index "delivered_card_clearance_ids_gin" on "delivered_card" using gin ("clearance_ids")',
    },
  ],
  properties: {
    platform: p.text().primary(),
    messageId: p.text().primary(),
    personId: p.integer(),
    kind: p.text(),
    page: p.integer().default(1),
    /** the clearances the card shows (pending cards) */
    clearanceIds: p
      .array<number>((i) => Number(i))
      .columnType('int[]')
      .default('{}'),
    /** WeCom: the single-use code (valid 72 h) that lets us update this card once more; cleared when used */
    responseCode: p.text().nullable(),
    responseCodeAt: p.datetime().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
});
