// The daily cleanup job: expired dedupe and idempotency records.
import { cleanupExpired } from '../../src/jobs/cleanup.ts';
import { localDate } from '../../src/time.ts';
import type { JobDef } from './types.ts';

export const cleanupJob: JobDef = {
  name: 'cleanup',
  description: 'forget platform delivery ids older than 24 h and API idempotency keys older than 7 days',
  schedule: '17 3 * * *',
  slot: (now, tz) => localDate(now, tz),
  run: async ({ em }) => ({ ...(await cleanupExpired(em)) }),
};
