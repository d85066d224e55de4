// Rate-limit buckets kept in PostgreSQL, so that every instance counts against one quota: a row per token taken.
import { IsolationLevel } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { pgIntArray, pgTextArray } from '../db/pg-array.ts';

export interface SharedBucket {
  key: string;
  tokens: number;
  windowMs: number;
}

/**
 * Takes a token from every bucket at once if each has one left in its sliding window, and returns 0; otherwise takes
 * none and returns how many ms to wait before asking again. The buckets' advisory locks (in key order, so two callers
 * never wait on each other crosswise) make the count and the take one step across instances; the count is read after
 * the locks, in a statement of its own, so it sees what the previous holder committed.
 */
export async function takeShared(em: EntityManager, asked: SharedBucket[]): Promise<number> {
  // a bucket named twice is spent once, against the lower of its ceilings (see BucketRule.of)
  const lowest = new Map<string, SharedBucket>();
  for (const b of asked) if ((lowest.get(b.key)?.tokens ?? Infinity) > b.tokens) lowest.set(b.key, b);
  const buckets = [...lowest.values()];
  if (!buckets.length) return 0;
  const keys = buckets.map((b) => b.key);
  // READ COMMITTED whatever the server's default: the count must see what the lock's previous holder committed.
  return em.transactional(
    async (t) => {
      await t.execute(
        `select pg_advisory_xact_lock(hashtextextended(k, 7152)) from (select distinct k from unnest(?::text[]) k order by k) s`,
        [pgTextArray(keys)],
      );
      const rows = await t.execute<{ key: string; wait_ms: number }[]>(
        `select b.key, greatest(0, ceil(extract(epoch from (
                (select r.at from rate_spend r where r.key = b.key and r.at > clock_timestamp() - b.window_ms * interval '1 ms'
                  order by r.at desc offset b.tokens - 1 limit 1) + b.window_ms * interval '1 ms' - clock_timestamp())) * 1000))::int as wait_ms
         from unnest(?::text[], ?::int[], ?::int[]) as b(key, tokens, window_ms)`,
        [pgTextArray(keys), pgIntArray(buckets.map((b) => b.tokens)), pgIntArray(buckets.map((b) => b.windowMs))],
      );
      // the bucket is full when its tokens-th newest spend is still inside the window: wait until that one leaves it
      const wait = Math.max(0, ...rows.map((r) => r.wait_ms ?? 0));
      if (wait > 0) return wait;
      await t.execute(
        `with spent as (insert into rate_spend (key, at) select k, clock_timestamp() from unnest(?::text[]) k)
       delete from rate_spend r using unnest(?::text[], ?::int[]) as b(key, window_ms)
        where r.key = b.key and r.at <= clock_timestamp() - b.window_ms * interval '1 ms'`,
        [pgTextArray(keys), pgTextArray(keys), pgIntArray(buckets.map((b) => b.windowMs))],
      );
      return 0;
    },
    { isolationLevel: IsolationLevel.READ_COMMITTED },
  );
}
