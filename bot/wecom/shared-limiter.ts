// WeCom's pacing across instances: the in-process buckets first, then the per-member ones again in PostgreSQL.
import type { MikroORM } from '@mikro-orm/postgresql';
import { createLimiter, realSleep, type Limiter } from '../delivery/limiter.ts';
import { sharedLimiter } from '../delivery/shared-limiter.ts';
import { wecomRule } from './api.ts';

/**
 * WeCom drops a member's 31st message in a minute silently, and any instance's worker may send it: each process
 * counting its own sends would let two instances send 60. The member buckets are therefore also taken in the
 * database; the app-wide bucket, far below WeCom's quota, stays per process. Tokens are counted when granted; the
 * 5 s of margin in wecomRule's window covers the call that follows.
 */
export function sharedWecomLimiter(
  orm: MikroORM,
  sleep: (ms: number) => Promise<void> = realSleep,
  local: Limiter = createLimiter({ rule: wecomRule, sleep }),
): Limiter {
  return sharedLimiter(orm, local, wecomRule, (key) => key.startsWith('member:'), sleep);
}
