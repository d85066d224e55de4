// The outbound Feishu adapter: the real SDK client against a fake Feishu OpenAPI on loopback (faults: feishu-api-faults.test.ts).
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFeishuApi, FeishuApiError, type FeishuApiOptions } from '../bot/feishu/api.ts';
import { createLogger } from '../src/log.ts';
import { startFakeFeishu, type FakeFeishu } from './support/fake-feishu.ts';
import { virtualClock } from './support/virtual-clock.ts';
import { createLimiter } from '../bot/delivery/limiter.ts';
import { feishuRule } from '../bot/feishu/limiter.ts';

const APP_SECRET = 'fake-secret';
let fake: FakeFeishu;
let logs: string[];

beforeAll(async () => {
  fake = await startFakeFeishu({ appSecret: APP_SECRET });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.tokenTtl = 7200;
  fake.rateLimitReset = 1;
  logs = [];
});

/** A fresh client (cold token cache) whose debug logs are kept for the no-secrets check. */
function api(opts: FeishuApiOptions = {}, secret = APP_SECRET) {
  const log = createLogger('debug', { write: (line: string) => void logs.push(line) });
  return createFeishuApi({ appId: 'cli_a1b2c3d4e5f60718', appSecret: secret, baseUrl: fake.url }, log, opts);
}

async function failure(p: Promise<unknown>): Promise<FeishuApiError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(FeishuApiError);
  return e as FeishuApiError;
}

const card = {
  schema: '2.0',
  header: { title: { tag: 'plain_text', content: '离校审核' } },
  body: { elements: [{ tag: 'markdown', content: '**张三** 待审核' }] },
};

describe('feishu api: sending', () => {
  it('sends a card to an open_id: content round-trips, uuid and ids passed through', async () => {
    const feishu = api();
    const { messageId } = await feishu.sendCard('ou_student1', card, 'job-1');
    const text = await feishu.sendText('ou_student1', '你的离校手续已全部完成', 'job-2');
    expect(fake.messages).toMatchObject([
      {
        message_id: messageId,
        receive_id: 'ou_student1',
        receive_id_type: 'open_id',
        msg_type: 'interactive',
        content: card,
        uuid: 'job-1',
      },
      { message_id: text.messageId, msg_type: 'text', content: { text: '你的离校手续已全部完成' }, uuid: 'job-2' },
    ]);
    expect(messageId).toMatch(/^om_fake_/);
    expect(fake.tokenRequests).toHaveLength(1);
  });

  it('the same uuid twice is one message with one id; long keys are hashed, not cut', async () => {
    const feishu = api();
    const a = await feishu.sendCard('ou_x', card, 'clearance:42:v3');
    const b = await feishu.sendCard('ou_x', card, 'clearance:42:v3');
    expect(b.messageId).toBe(a.messageId);
    const long = 'clearance-changed:' + 'x'.repeat(60);
    await feishu.sendText('ou_x', 'one', long + 'A');
    await feishu.sendText('ou_x', 'two', long + 'B'); // same first 50 chars, a different key
    await feishu.sendText('ou_x', 'one again', long + 'A');
    expect(fake.messages.map((m) => m.content)).toEqual([card, { text: 'one' }, { text: 'two' }]);
    expect(fake.messages.slice(1).map((m) => m.uuid!.length)).toEqual([50, 50]);
  });

  it('10 concurrent cold calls make one token request (single-flight)', async () => {
    const feishu = api();
    await Promise.all(Array.from({ length: 10 }, (_, i) => feishu.sendText(`ou_${i}`, 'hi', `sf-${i}`)));
    expect(fake.tokenRequests).toHaveLength(1);
    expect(fake.messages).toHaveLength(10);
  });

  it('patches a sent card and updates a card by callback token', async () => {
    const feishu = api();
    const { messageId } = await feishu.sendCard('ou_staff', card, 'p-1');
    await feishu.patchCard(messageId, { ...card, header: { title: { tag: 'plain_text', content: '已通过' } } });
    await feishu.updateByToken('c-token-1', card);
    expect(fake.patches).toEqual([
      {
        message_id: messageId,
        content: { ...card, header: { title: { tag: 'plain_text', content: '已通过' } } },
        at: expect.any(Number),
      },
    ]);
    expect(fake.cardUpdates).toEqual([{ token: 'c-token-1', card }]);
  });

  it('holds one user to 5 messages a second, without slowing another user (counted on a clock the test moves)', async () => {
    const clock = virtualClock();
    const feishu = api({ limiter: createLimiter({ rule: feishuRule, now: clock.now, sleep: clock.sleep }) });
    await feishu.sendText('ou_warm', 'warm', 'w'); // token fetched
    fake.reset();
    const busy = () => fake.messages.filter((m) => m.receive_id === 'ou_busy').length;
    const all = Promise.all([
      ...Array.from({ length: 7 }, (_, i) => feishu.sendText('ou_busy', `n${i}`, `busy-${i}`)),
      feishu.sendText('ou_other', 'x', 'other'),
    ]);
    // at the first instant: five of the busy user's messages and the other user's, which does not queue behind them
    await vi.waitFor(
      () => expect([busy(), fake.messages.filter((m) => m.receive_id === 'ou_other').length]).toEqual([5, 1]),
      { timeout: 15_000 },
    );
    await clock.advanceTo(999); // the window is not over yet: nothing more goes out
    expect(busy()).toBe(5);
    await clock.advanceTo(1000); // the first five tokens come back together
    await all;
    expect(busy()).toBe(7);
  });
});

describe('feishu api: tokens', () => {
  it('a token-invalid answer refreshes the token once and the call succeeds', async () => {
    const feishu = api();
    await feishu.sendText('ou_a', 'warm', 't-0');
    fake.failNext(3, 'token-invalid'); // revokes the token, for three concurrent calls
    await Promise.all([1, 2, 3].map((i) => feishu.sendText('ou_a', `m${i}`, `t-${i}`)));
    expect(fake.tokenRequests).toHaveLength(2); // warm-up + exactly one refresh shared by all three
    expect(fake.messages).toHaveLength(4);
  });

  it('a token still rejected after one refresh fails (retryable) without a third token request', async () => {
    fake.failNext(2, 'token-invalid');
    const e = await failure(api().sendText('ou_a', 'm', 'u'));
    expect([e.code, e.retryable]).toEqual([99991663, true]);
    expect(fake.tokenRequests).toHaveLength(2);
    expect(fake.messages).toHaveLength(0);
  });

  it('renews a short-lived token before it expires instead of waiting for a rejection', async () => {
    fake.tokenTtl = 1;
    const feishu = api();
    await feishu.sendText('ou_a', 'one', 'ttl-1');
    await new Promise((r) => setTimeout(r, 600)); // cached for half its life
    await feishu.sendText('ou_a', 'two', 'ttl-2');
    expect(fake.tokenRequests).toHaveLength(2);
    expect(fake.calls.filter((c) => c.code === 99991663)).toEqual([]);
  });

  it('a wrong app secret is not retryable, and neither secret nor token is ever logged', async () => {
    // the SDK's own logger would print failed requests whole (headers, token request body): it must stay silent
    const consoleSpies = (['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((m) => vi.spyOn(console, m));
    const e = await failure(api({}, 'wrong-secret').sendText('ou_a', 'm', 'u'));
    expect([e.status, e.code, e.retryable]).toEqual([400, 10014, false]);
    await api().sendText('ou_a', 'ok', 'u2');
    fake.failNext(1, '400');
    await failure(api().sendText('ou_a', 'bad', 'u3'));
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join('\n')).not.toMatch(/fake-secret|wrong-secret|t-fake-/);
    expect(consoleSpies.flatMap((spy) => spy.mock.calls)).toEqual([]);
    for (const spy of consoleSpies) spy.mockRestore();
  });
});

describe('feishu api: ids by contact', () => {
  it('chunks 120 emails into 3 calls of <= 50 and maps email/mobile -> open_id', async () => {
    const emails = Array.from({ length: 120 }, (_, i) => `s${i}@stu.cqu.edu.cn`);
    for (const [i, e] of emails.entries()) if (i % 10 !== 0) fake.directory.set(e, `ou_e${i}`);
    fake.directory.set('13800000001', 'ou_m1');
    const ids = await api().idsByContact(emails, ['13800000001', '13800000002']);
    expect(fake.idLookups.map((l) => [l.user_id_type, l.emails.length, l.mobiles.length])).toEqual([
      ['open_id', 50, 2],
      ['open_id', 50, 0],
      ['open_id', 20, 0],
    ]);
    expect(new Set(fake.idLookups.flatMap((l) => l.emails))).toEqual(new Set(emails));
    expect(ids.size).toBe(108 + 1); // every tenth email is unknown, one mobile is
    expect(ids.get('s7@stu.cqu.edu.cn')).toBe('ou_e7');
    expect(ids.has('s10@stu.cqu.edu.cn')).toBe(false);
    expect(ids.get('13800000001')).toBe('ou_m1');
    expect(ids.has('13800000002')).toBe(false);
  });
});
