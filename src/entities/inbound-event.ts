// Platform deliveries already acted on, so a retried delivery is answered but not acted on twice.
import { defineEntity, p } from '@mikro-orm/core';

export const InboundEvent = defineEntity({
  name: 'InboundEvent',
  tableName: 'inbound_event',
  indexes: [{ properties: ['receivedAt'] }],
  properties: {
    platform: p.text().primary(),
    eventKey: p.text().primary(),
    receivedAt: p.datetime().defaultRaw('now()'),
  },
});
