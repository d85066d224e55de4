// The daily cleanup job: expired dedupe and idempotency records.
import { cleanupExpired } from '../../src/jobs/cleanup.ts';
import type { JobDef } from './types.ts';

export const cleanupJob: JobDef = {
  name: 'cleanup',
  description:
    'forget platform delivery ids older than 24 h, API idempotency keys older than 7 days and rate-limit spends older than 2 h',
  at: { hour: 3, minute: 17 },
  sends: false,
  run: async ({ em }) => ({ ...(await cleanupExpired(em)) }),
};
