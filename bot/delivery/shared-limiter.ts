// A platform's quota across instances: the in-process buckets first, then the shared ones again in PostgreSQL.
import type { MikroORM } from '@mikro-orm/postgresql';
import { bucketOf, realSleep, type BucketRule, type Limiter } from './limiter.ts';
import { takeShared } from '../../src/delivery/shared-buckets.ts';
import { QuotaWait } from '../../src/delivery/quota-wait.ts';

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
  // One take in flight per limiter: takes of the same buckets wait for each other on the advisory lock anyway, and each
  // waiting take would hold a connection of the pool that people's taps and questions are answered from. The next
  // take is the lowest rank's (an answer someone waits for before a notice), in arrival order within a rank.
  const queue: { rank: number; go: () => void }[] = [];
  let busy = false;
  const next = () => {
    const first = queue.shift();
    if (first) first.go();
    else busy = false;
  };
  const take = async (buckets: { key: string; tokens: number; windowMs: number }[], rank: number): Promise<number> => {
    if (busy) {
      await new Promise<void>((go) => {
        const at = queue.findIndex((w) => w.rank > rank);
        queue.splice(at === -1 ? queue.length : at, 0, { rank, go });
      });
    }
    busy = true;
    try {
      return await takeShared(orm.em.fork(), buckets);
    } finally {
      next();
    }
  };
  return {
    ...local,
    async acquire(keys, rank, maxWaitMs) {
      await local.acquire(keys, rank, maxWaitMs);
      const buckets = [...new Set(keys)].filter(shared).map((key) => ({ ...rule(key), key: bucketOf(rule, key) }));
      if (!buckets.length) return; // nothing shared to take: no turn to wait for
      for (;;) {
        const wait = await take(buckets, rank ?? 0);
        if (wait === 0) return;
        if (maxWaitMs !== undefined && wait > maxWaitMs) {
          // another instance spent the budget: the local tokens go back unused, and the caller decides what to do
          local.release(keys);
          throw new QuotaWait(wait);
        }
        await sleep(wait);
      }
    },
  };
}
