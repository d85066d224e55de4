// A platform's quota across instances: the in-process buckets first, then the shared ones again in PostgreSQL.
import type { MikroORM } from '@mikro-orm/postgresql';
import { realSleep, type BucketRule, type Limiter } from './limiter.ts';
import { takeShared } from '../../src/delivery/shared-buckets.ts';

/**
 * A quota is the app's, not a process's: two instances each keeping Feishu's 50/s would send 100 and be answered 429.
 * Every acquire therefore takes the buckets that `shared` names in the database as well (one short transaction per
 * attempt), after the local limiter has ordered the waiters by lane. Across instances the order is first come.
 */
export function sharedLimiter(
  orm: MikroORM,
  local: Limiter,
  rule: (key: string) => BucketRule,
  shared: (key: string) => boolean,
  sleep: (ms: number) => Promise<void> = realSleep,
): Limiter {
  return {
    ...local,
    async acquire(keys, rank) {
      await local.acquire(keys, rank);
      const buckets = [...new Set(keys)].filter(shared).map((key) => ({ key, ...rule(key) }));
      for (;;) {
        const wait = await takeShared(orm.em.fork(), buckets);
        if (wait === 0) return;
        await sleep(wait);
      }
    },
  };
}
