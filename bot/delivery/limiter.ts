// Async rate limiter both platforms use: named token buckets, each with its platform's rule, and a global pause.
//
// Each bucket holds `tokens` tokens and a spent token comes back exactly `windowMs` after it was
// taken (a sliding window). A continuously refilling bucket would let `tokens + rate × window`
// through in one window, up to twice a platform's quota and so a guaranteed 429 in a mass send;
// this form never exceeds the quota in any window yet still allows the full burst.

import { QuotaWait } from '../../src/delivery/quota-wait.ts';

export interface BucketRule {
  tokens: number;
  windowMs: number;
  /**
   * The bucket this key spends from, when not its own: a lower ceiling on a shared budget. A key `{ tokens: 920, of:
   * 'app/min' }` may take from the app's minute only while fewer than 920 of it are spent, which leaves the last 80 to
   * keys without that ceiling (an answer someone waits for), and hands them the whole minute when notices are idle.
   */
  of?: string;
}

/** The bucket a key spends from. */
export const bucketOf = (rule: (key: string) => BucketRule, key: string): string => rule(key).of ?? key;

export interface Limiter {
  /**
   * Resolves once every named bucket had a token, taking one from each at the same instant. Waiters of a lower `rank`
   * go first (0: what someone is looking at; see src/delivery/lanes.ts), in arrival order within a rank.
   * With `maxWaitMs`: when a bucket (or a pause) holds these keys longer than that, it rejects at once with a QuotaWait
   * carrying the wait, and takes nothing (waiting behind other waiters is not counted: that is short).
   */
  acquire(keys: string[], rank?: number, maxWaitMs?: number): Promise<void>;
  /** Gives back the newest token taken from each bucket (one granted but not used). */
  release(keys: string[]): void;
  /** Holds every acquire until `atMs` (this limiter's clock), e.g. Feishu's `x-ogw-ratelimit-reset`. */
  pauseUntil(atMs: number): void;
  pauseFor(ms: number): void;
  now(): number;
  /** Acquires still waiting (for tests and metrics). */
  waiting(): number;
}

export interface LimiterOptions {
  /** The quota of each named bucket; an unknown name throws (e.g. feishuRule, wecomRule). */
  rule: (key: string) => BucketRule;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Waiter {
  keys: string[];
  rank: number;
  resolve: () => void;
}

export function createLimiter(opts: LimiterOptions): Limiter {
  const rule = opts.rule;
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? realSleep;
  const spent = new Map<string, number[]>(); // key -> when its tokens still out were taken, oldest first
  const waiters: Waiter[] = [];
  const wakes = new Set<number>(); // times at which a pending sleep ends
  let pausedUntil = -Infinity;

  /** Tokens of `bucket` still out at time t; returned ones are dropped (and idle buckets forgotten). */
  function out(bucket: string, t: number): number[] {
    const list = spent.get(bucket);
    if (!list) return [];
    const { windowMs } = rule(bucket);
    while (list.length && list[0]! <= t - windowMs) list.shift();
    if (!list.length) spent.delete(bucket);
    return list;
  }

  /** The buckets `keys` spend from, each once (a key and a lower ceiling on the same bucket take one token). */
  const bucketsOf = (keys: string[]) => [...new Set(keys.map((key) => bucketOf(rule, key)))];

  /** ms until every bucket of `keys` has a token and no pause holds; 0 = now. */
  function waitFor(keys: string[], t: number): number {
    let wait = Math.max(0, pausedUntil - t);
    for (const key of keys) {
      const { tokens, windowMs } = rule(key);
      const list = out(bucketOf(rule, key), t);
      if (list.length >= tokens) wait = Math.max(wait, list[list.length - tokens]! + windowMs - t);
    }
    return wait;
  }

  // Grants in rank and arrival order, but a waiter held only by its own user bucket does not block the others.
  function pass(): void {
    const t = now();
    for (let i = 0; i < waiters.length;) {
      const w = waiters[i]!;
      if (waitFor(w.keys, t) > 0) {
        i++;
        continue;
      }
      for (const bucket of bucketsOf(w.keys)) {
        const list = spent.get(bucket);
        if (list) list.push(t);
        else spent.set(bucket, [t]);
      }
      waiters.splice(i, 1);
      w.resolve();
    }
    if (spent.size > 10_000) for (const key of [...spent.keys()]) out(key, t); // forget users long gone
    schedule(t);
  }

  /** Sleeps until the earliest moment a waiter could go, unless a pending sleep already ends by then. */
  function schedule(t: number): void {
    if (!waiters.length) return;
    const wait = Math.min(...waiters.map((w) => waitFor(w.keys, t)));
    const at = t + wait;
    for (const w of wakes) if (w <= at) return;
    wakes.add(at);
    void sleep(wait).then(
      () => {
        wakes.delete(at);
        pass();
      },
      () => wakes.delete(at),
    );
  }

  return {
    acquire(keys, rank = 0, maxWaitMs) {
      const unique = [...new Set(keys)];
      for (const key of unique) rule(key); // an unknown bucket is a bug: fail at the call, not later
      if (maxWaitMs !== undefined) {
        const wait = waitFor(unique, now());
        if (wait > maxWaitMs) return Promise.reject(new QuotaWait(wait));
      }
      return new Promise<void>((resolve) => {
        // behind every waiter of the same or a lower rank, ahead of the rest
        const at = waiters.findIndex((w) => w.rank > rank);
        waiters.splice(at === -1 ? waiters.length : at, 0, { keys: unique, rank, resolve });
        pass();
      });
    },
    release(keys) {
      for (const bucket of bucketsOf(keys)) spent.get(bucket)?.pop();
      pass(); // a waiter may fit now
    },
    pauseUntil(atMs) {
      pausedUntil = Math.max(pausedUntil, atMs);
    },
    pauseFor(ms) {
      pausedUntil = Math.max(pausedUntil, now() + ms);
    },
    now,
    waiting: () => waiters.length,
  };
}
