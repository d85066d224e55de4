// A claimed (job, slot): the instance that inserts it runs the job, the others skip it.
import { defineEntity, p } from '@mikro-orm/core';

export const CronRun = defineEntity({
  name: 'CronRun',
  tableName: 'cron_run',
  properties: {
    job: p.text().primary(),
    slot: p.text().primary(),
    claimedAt: p.datetime().defaultRaw('now()'),
    claimedBy: p.text(),
  },
});
