// The outbound Feishu adapter under faults: 429 storms, hangs, 5xx / 4xx, non-zero codes in a 200 (real SDK, fake Feishu).
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFeishuApi, FeishuApiError, type FeishuApiOptions } from '../bot/feishu/api.ts';
import { createLogger } from '../src/log.ts';
import { startFakeFeishu, type FakeFeishu } from './support/fake-feishu.ts';
import { virtualClock } from './support/virtual-clock.ts';
import { createLimiter } from '../bot/delivery/limiter.ts';
import { feishuRule } from '../bot/feishu/limiter.ts';

let fake: FakeFeishu;
beforeAll(async () => {
  fake = await startFakeFeishu();
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.rateLimitReset = 1;
});

const api = (opts: FeishuApiOptions = {}) =>
  createFeishuApi(
    { appId: 'cli_a1b2c3d4e5f60718', appSecret: 'fake-secret', baseUrl: fake.url },
    createLogger('silent'),
    opts,
  );

async function failure(p: Promise<unknown>): Promise<FeishuApiError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FeishuApiError);
  return e as FeishuApiError;
}

const card = { schema: '2.0', body: { elements: [{ tag: 'markdown', content: '待审核' }] } };

describe('feishu api: faults', () => {
  it('waits out a 429 storm in place: every message arrives exactly once (on a clock the test moves)', async () => {
    const clock = virtualClock();
    const feishu = api({ limiter: createLimiter({ rule: feishuRule, now: clock.now, sleep: clock.sleep }) });
    await feishu.sendText('ou_warm', 'warm', 'w');
    fake.reset();
    fake.failNext(3, '429');
    const sent = Promise.all(Array.from({ length: 5 }, (_, i) => feishu.sendText(`ou_${i}`, `m${i}`, `storm-${i}`)));
    await vi.waitFor(() => expect(fake.calls.filter((c) => c.status === 429)).toHaveLength(3), { timeout: 15_000 });
    await clock.advanceTo(999); // x-ogw-ratelimit-reset: 1 paused everyone: the three refused wait the whole second
    expect(fake.messages.length).toBeLessThanOrEqual(2);
    await clock.advanceTo(1000);
    const ids = await sent;
    expect(fake.calls.filter((c) => c.status === 429)).toHaveLength(3);
    expect(fake.messages.map((m) => m.uuid).sort()).toEqual(['storm-0', 'storm-1', 'storm-2', 'storm-3', 'storm-4']);
    expect(new Set(ids.map((s) => s.messageId)).size).toBe(5);
  });

  it('gives up after 3 in-place retries, and hands a long reset to the queue at once', async () => {
    fake.rateLimitReset = 0; // -> the 100 ms floor, to keep the test short
    fake.failNext(4, '429');
    const e = await failure(api().sendText('ou_a', 'm', 'u'));
    expect([e.status, e.code, e.retryable, e.retryAfterMs]).toEqual([429, 99991400, true, 100]);
    expect(fake.calls.filter((c) => c.status === 429)).toHaveLength(4);

    fake.reset();
    fake.rateLimitReset = 30;
    fake.failNext(1, '429');
    const clock = virtualClock();
    const late = await failure(
      api({ limiter: createLimiter({ rule: feishuRule, now: clock.now, sleep: clock.sleep }) }).sendText(
        'ou_a',
        'm',
        'u',
      ),
    );
    expect([late.retryable, late.retryAfterMs]).toEqual([true, 30_000]);
    expect(clock.asked).toEqual([]); // no waiting in place: the queue retries it in 30 s
    expect(fake.messages).toHaveLength(0);
  });

  it('a hanging server fails the call, retryable, within the timeout; so does a hanging token endpoint', async () => {
    const feishu = api({ timeoutMs: 300 });
    fake.failNext(1, 'hang');
    let started = performance.now();
    const e = await failure(feishu.sendText('ou_a', 'm', 'hang-1'));
    const ms = performance.now() - started;
    expect(e.retryable).toBe(true);
    expect(e.message).toMatch(/timed out/);
    expect(ms).toBeGreaterThanOrEqual(250); // a timer never fires early; how late it fires depends on the machine

    const cold = api({ timeoutMs: 300 });
    fake.failNext(1, 'hang', 'token');
    started = performance.now();
    const coldFailure = await failure(cold.sendText('ou_a', 'm', 'hang-2'));
    expect([coldFailure.retryable, performance.now() - started >= 250]).toEqual([true, true]);
    await cold.sendText('ou_a', 'm', 'hang-2'); // the failed token fetch was not cached
    expect(fake.messages.map((m) => m.uuid)).toEqual(['hang-2']);
  });

  it('a 5xx is retryable, a 400 is not', async () => {
    const feishu = api();
    fake.failNext(1, '5xx');
    const e5 = await failure(feishu.sendCard('ou_a', card, 'x-1'));
    expect([e5.status, e5.retryable]).toEqual([502, true]);
    fake.failNext(1, '400');
    const e4 = await failure(feishu.sendCard('ou_a', card, 'x-2'));
    expect([e4.status, e4.code, e4.retryable, e4.logId]).toEqual([
      400,
      230001,
      false,
      expect.stringMatching(/^fake-log/),
    ]);
    const bad = await failure(feishu.patchCard('om_nope', card)); // a real 4xx from the fake, not a forced one
    expect([bad.code, bad.retryable]).toEqual([230011, false]);
    expect(fake.messages).toHaveLength(0);
  });

  it("a 200 with a non-zero code is an error too; IM's 230020 in a 200 is a rate limit, waited out", async () => {
    const feishu = api();
    fake.failNext(1, { status: 200, code: 99992402, msg: 'field validation failed' });
    const e = await failure(feishu.sendText('ou_a', 'm', 'c-1'));
    expect([e.status, e.code, e.retryable]).toEqual([200, 99992402, false]);
    fake.failNext(1, { status: 200, code: 230020, headers: { 'x-ogw-ratelimit-reset': '0' } });
    await feishu.sendText('ou_a', 'm', 'c-2');
    expect(fake.calls.map((c) => c.code)).toEqual([0, 99992402, 230020, 0]);
    expect(fake.messages.map((m) => m.uuid)).toEqual(['c-2']);
  });
});
