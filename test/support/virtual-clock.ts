// A clock the test moves: `now` and `sleep` for the rate limiters, so that no assertion depends on the machine's speed.

const flush = () => new Promise<void>((r) => setImmediate(r));

export interface VirtualClock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** the sleeps asked for, in order (ms) */
  asked: number[];
  /** sleeps not yet woken */
  pending: () => number;
  /** moves the clock to `ms` after the start, waking every sleep that ends by then, in time order (Infinity: every sleep, the clock left at the last) */
  advanceTo: (ms: number) => Promise<void>;
}

export function virtualClock(start = 1_000_000): VirtualClock {
  let t = start;
  const timers: { at: number; fire: () => void }[] = [];
  const asked: number[] = [];
  return {
    now: () => t,
    asked,
    pending: () => timers.length,
    sleep: (ms) => {
      asked.push(ms);
      return new Promise<void>((fire) => timers.push({ at: t + ms, fire }));
    },
    async advanceTo(ms) {
      const until = start + ms;
      for (;;) {
        await flush();
        timers.sort((a, b) => a.at - b.at);
        const next = timers[0];
        if (!next || next.at > until) break;
        timers.shift();
        t = Math.max(t, next.at);
        next.fire();
      }
      if (until !== Infinity) t = Math.max(t, until);
      await flush();
    },
  };
}
