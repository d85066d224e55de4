// The Feishu rate limiter on a virtual clock: per-user and per-app quotas, fairness between users, pause-until.
import { describe, expect, it } from 'vitest';
import { createLimiter as createGenericLimiter, type LimiterOptions } from '../bot/delivery/limiter.ts';
import { APP_KEYS, BACKGROUND_KEY, feishuRule } from '../bot/feishu/limiter.ts';
import { virtualClock } from './support/virtual-clock.ts';

// Feishu's quotas unless a test names other buckets
const createLimiter = (opts: Partial<LimiterOptions>) => createGenericLimiter({ rule: feishuRule, ...opts });

const flush = () => new Promise<void>((r) => setImmediate(r));

function setup() {
  const clock = virtualClock(0);
  const limiter = createLimiter({ now: clock.now, sleep: clock.sleep });
  const grants: Record<string, number[]> = {};
  const take = (label: string, keys: string[]) =>
    void limiter.acquire(keys).then(() => (grants[label] ??= []).push(clock.now()));
  return { clock, limiter, grants, take };
}

/** the most grants inside any window of `ms` (half-open) */
function busiest(times: number[], ms: number): number {
  const s = [...times].sort((a, b) => a - b);
  return Math.max(0, ...s.map((t0) => s.filter((t) => t >= t0 && t < t0 + ms).length));
}

describe('feishu limiter', () => {
  it('spaces one user to 5 per second and never more in any second', async () => {
    const { clock, grants, take } = setup();
    for (let i = 0; i < 12; i++) take('a', ['app/s', 'app/min', 'user:ou_a']);
    await clock.advanceTo(Infinity);
    expect(grants.a).toEqual([0, 0, 0, 0, 0, 1000, 1000, 1000, 1000, 1000, 2000, 2000]);
    expect(busiest(grants.a!, 1000)).toBe(5);
  });

  it("does not hold a second user behind the first one's queue", async () => {
    const { clock, grants, take } = setup();
    for (let i = 0; i < 8; i++) take('a', ['app/s', 'app/min', 'user:ou_a']);
    await clock.advanceTo(500);
    take('b', ['app/s', 'app/min', 'user:ou_b']);
    await clock.advanceTo(Infinity);
    expect(grants.b).toEqual([500]);
    expect(grants.a).toEqual([0, 0, 0, 0, 0, 1000, 1000, 1000]);
  });

  it('caps the app at 50 per second across users', async () => {
    const { clock, grants, take } = setup();
    for (let i = 0; i < 120; i++) take('all', ['app/s', 'app/min', `user:ou_${i}`]);
    await clock.advanceTo(Infinity);
    const at = (t: number) => grants.all!.filter((x) => x === t).length;
    expect([at(0), at(1250), at(2500)]).toEqual([50, 50, 20]);
    expect(busiest(grants.all!, 1000)).toBe(50);
  });

  it('caps the app at 1000 per minute even when the per-second bucket has room', async () => {
    const { clock, grants, take } = setup();
    for (let i = 0; i < 1001; i++) take('all', ['app/s', 'app/min', `user:ou_${i}`]);
    await clock.advanceTo(Infinity);
    expect(grants.all).toHaveLength(1001);
    expect(grants.all![999]).toBe(19 * 1250); // 20 windows of 50
    expect(grants.all![1000]).toBe(62_000); // the first token of the minute comes back
    expect(busiest(grants.all!, 60_000)).toBe(1000);
  });

  it('pauseUntil holds every acquire until then, and a later pause extends it', async () => {
    const { clock, limiter, grants, take } = setup();
    limiter.pauseUntil(750);
    take('a', ['app/s', 'app/min', 'user:ou_a']);
    await clock.advanceTo(700);
    expect(grants.a).toBeUndefined();
    expect(limiter.waiting()).toBe(1);
    limiter.pauseFor(300); // now = 700 -> until 1000
    take('b', ['app/s', 'app/min']);
    await clock.advanceTo(Infinity);
    expect(grants).toEqual({ a: [1000], b: [1000] });
    expect(limiter.waiting()).toBe(0);
  });

  it('grants at once when there is room (no sleep at all) and rejects unknown buckets', async () => {
    const { clock, limiter, grants, take } = setup();
    take('a', ['app/s', 'app/min', 'user:ou_a']);
    await flush();
    expect(grants.a).toEqual([0]);
    expect(clock.pending()).toBe(0);
    expect(() => limiter.acquire(['nope'])).toThrow(/no rate-limit rule/);
    expect(feishuRule('msg:om_1')).toEqual({ tokens: 5, windowMs: 1000 });
  });
});

describe('feishu limiter lanes', () => {
  it('a card patch asked for behind a backlog of notices and digests is granted before all of them', async () => {
    const clock = virtualClock(0);
    const limiter = createLimiter({ now: clock.now, sleep: clock.sleep });
    const order: string[] = [];
    const take = (label: string, rank: number) =>
      void limiter.acquire(['app/s', 'app/min'], rank).then(() => order.push(label));
    // 120 waiting: 50 go in the first second, the rest wait for the window
    for (let i = 0; i < 60; i++) take(`digest${i}`, 2);
    for (let i = 0; i < 60; i++) take(`notice${i}`, 1);
    await clock.advanceTo(10); // the first 50 (digests, first come) are granted at once
    take('patch', 0);
    take('notice-late', 1);
    await clock.advanceTo(Infinity);
    expect(order).toHaveLength(122);
    expect(order.slice(0, 50).every((l) => l.startsWith('digest'))).toBe(true);
    // the next grant after the first second's 50 is the patch, then every notice, then the digests left
    expect(order[50]).toBe('patch');
    expect(order.slice(51, 112).every((l) => l.startsWith('notice'))).toBe(true);
    expect(order[111]).toBe('notice-late');
    expect(order.slice(112).every((l) => l.startsWith('digest'))).toBe(true);
  });

  it("notices leave part of the minute to what someone is looking at: a patch asked at the notices' limit goes within a second", async () => {
    const clock = virtualClock(0);
    const limiter = createLimiter({ now: clock.now, sleep: clock.sleep });
    const background: number[] = [];
    let patchAt: number | undefined;
    for (let i = 0; i < 1000; i++)
      void limiter.acquire([...APP_KEYS, BACKGROUND_KEY], 1).then(() => background.push(clock.now()));
    await clock.advanceTo(30_000);
    expect(background).toHaveLength(920); // the notices' share of the minute, then they wait for it to come back
    void limiter.acquire([...APP_KEYS], 0).then(() => (patchAt = clock.now()));
    await clock.advanceTo(31_000);
    expect(patchAt).toBeDefined();
    expect(patchAt! - 30_000).toBeLessThanOrEqual(1000);
    await clock.advanceTo(Infinity);
    expect(background).toHaveLength(1000);
    expect(
      busiest(
        [...background, patchAt!].sort((a, b) => a - b),
        60_000,
      ),
    ).toBeLessThanOrEqual(1000);
  });

  it('answers spend from the same minute: after 300 answers notices get 620 of it, and answers alone may take all 1,000', async () => {
    const clock = virtualClock(0);
    const limiter = createLimiter({ now: clock.now, sleep: clock.sleep });
    const answers: number[] = [];
    const background: number[] = [];
    for (let i = 0; i < 300; i++) void limiter.acquire([...APP_KEYS], 0).then(() => answers.push(clock.now()));
    for (let i = 0; i < 1000; i++)
      void limiter.acquire([...APP_KEYS, BACKGROUND_KEY], 1).then(() => background.push(clock.now()));
    await clock.advanceTo(40_000);
    expect(answers).toHaveLength(300);
    expect(background).toHaveLength(620);
    let lateAnswer: number | undefined;
    void limiter.acquire([...APP_KEYS], 0).then(() => (lateAnswer = clock.now()));
    await clock.advanceTo(41_000);
    expect(lateAnswer! - 40_000).toBeLessThanOrEqual(1000); // the last 80 stay for answers
    await clock.advanceTo(Infinity);
    expect(
      busiest(
        [...answers, lateAnswer!, ...background].sort((a, b) => a - b),
        60_000,
      ),
    ).toBeLessThanOrEqual(1000);

    const alone = createLimiter({ now: clock.now, sleep: clock.sleep });
    const start = clock.now();
    const granted: number[] = [];
    for (let i = 0; i < 1000; i++) void alone.acquire([...APP_KEYS], 0).then(() => granted.push(clock.now()));
    await clock.advanceTo(start + 30_000);
    expect(granted).toHaveLength(1000); // 50 per 1.25 s: the whole minute's worth within 25 s
  });
});
