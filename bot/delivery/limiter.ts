// Async rate limiter both platforms use: named token buckets, each with its platform's rule, and a global pause.
//
// Each bucket holds `tokens` tokens and a spent token comes back exactly `windowMs` after it was
// taken (a sliding window). A continuously refilling bucket would let `tokens + rate × window`
// through in one window, up to twice a platform's quota and so a guaranteed 429 in a mass send;
// this form never exceeds the quota in any window yet still allows the full burst.

export interface BucketRule {
  tokens: number;
  windowMs: number;
}

export interface Limiter {
  /**
   * Resolves once every named bucket had a token, taking one from each at the same instant. Waiters of a lower `rank`
   * go first (0: what someone is looking at; see src/delivery/lanes.ts), in arrival order within a rank.
   */
  acquire(keys: string[], rank?: number): Promise<void>;
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

  /** Tokens of `key` still out at time t; returned ones are dropped (and idle buckets forgotten). */
  function out(key: string, t: number): number[] {
    const list = spent.get(key);
    if (!list) return [];
    const { windowMs } = rule(key);
    while (list.length && list[0]! <= t - windowMs) list.shift();
    if (!list.length) spent.delete(key);
    return list;
  }

  /** ms until every bucket of `keys` has a token and no pause holds; 0 = now. */
  function waitFor(keys: string[], t: number): number {
    let wait = Math.max(0, pausedUntil - t);
    for (const key of keys) {
      const { tokens, windowMs } = rule(key);
      const list = out(key, t);
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
      for (const key of w.keys) {
        const list = spent.get(key);
        if (list) list.push(t);
        else spent.set(key, [t]);
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
    acquire(keys, rank = 0) {
      const unique = [...new Set(keys)];
      for (const key of unique) rule(key); // an unknown bucket is a bug: fail at the call, not later
      return new Promise<void>((resolve) => {
        // behind every waiter of the same or a lower rank, ahead of the rest
        const at = waiters.findIndex((w) => w.rank > rank);
        waiters.splice(at === -1 ? waiters.length : at, 0, { keys: unique, rank, resolve });
        pass();
      });
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
