// Answers of the integration API kept per Idempotency-Key, so a replay gets the first answer again.
import { defineEntity, p } from '@mikro-orm/core';

export const ApiRequest = defineEntity({
  name: 'ApiRequest',
  tableName: 'api_request',
  properties: {
    stepKey: p.text().primary(),
    idempotencyKey: p.text().primary(),
    requestHash: p.text(),
    response: p.json<unknown>().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
