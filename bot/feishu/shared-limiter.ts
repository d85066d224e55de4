// Feishu's quotas across instances: the app's 50/s and 1,000/min and a person's 5/s, counted in PostgreSQL.
import type { MikroORM } from '@mikro-orm/postgresql';
import { createLimiter, realSleep, type BucketRule, type Limiter } from '../delivery/limiter.ts';
import { feishuRule } from './limiter.ts';
import { sharedLimiter } from '../delivery/shared-limiter.ts';

/**
 * Feishu counts its limits per app (https://open.feishu.cn/document/server-docs/api-call-guide/frequency-control):
 * every instance draws from one budget. A message's own 5/s stays per process: a copy is patched by one job at a time.
 */
export function sharedFeishuLimiter(
  orm: MikroORM,
  sleep: (ms: number) => Promise<void> = realSleep,
  rule: (key: string) => BucketRule = feishuRule,
): Limiter {
  const local = createLimiter({ rule, sleep });
  return sharedLimiter(orm, local, rule, (key) => key.startsWith('app/') || key.startsWith('user:'), sleep);
}
