// The outbound WeCom adapter against a fake WeCom API on loopback: payloads, tokens, pacing, faults, no secrets in logs.
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLimiter } from '../bot/delivery/limiter.ts';
import { createWecomApi, memberKeys, WecomApiError, wecomRule, type WecomApiOptions } from '../bot/wecom/api.ts';
import { createLogger } from '../src/log.ts';
import { RESPONSE_CODE_USED, startFakeWecom, type FakeWecom } from './support/fake-wecom.ts';
import { virtualClock } from './support/virtual-clock.ts';

const SECRET = 'fake-wecom-secret';
let fake: FakeWecom;
let logs: string[];

beforeAll(async () => {
  fake = await startFakeWecom({ secret: SECRET, directory: { '13800000001': 'zhangsan', 'lisi@cqu.edu.cn': 'lisi' } });
});
afterAll(() => fake.close());
beforeEach(() => {
  fake.reset();
  fake.tokenTtl = 7200;
  logs = [];
});

/** A fresh client (cold token cache) whose debug logs are kept for the no-secrets check. */
function api(opts: WecomApiOptions = {}, secret = SECRET) {
  const log = createLogger('debug', { write: (line: string) => void logs.push(line) });
  return createWecomApi({ corpId: 'ww1436e0e65a779aee', agentId: '1000002', secret, baseUrl: fake.url }, log, opts);
}

async function failure(p: Promise<unknown>): Promise<WecomApiError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(WecomApiError);
  return e as WecomApiError;
}

const card = (taskId: string) => ({
  card_type: 'button_interaction',
  main_title: { title: '离校审核', desc: '图书馆' },
  task_id: taskId,
  button_list: [{ text: '通过', style: 1, key: 'pass:42' }],
});
const sends = () => fake.calls.filter((c) => c.path === '/cgi-bin/message/send');

describe('wecom api: sending', () => {
  it('sends a template card and a text to one member: payload, agentid, duplicate check, response_code', async () => {
    const wecom = api();
    const dedupe = { enable_duplicate_check: 1, duplicate_check_interval: 1800 };
    const sent = await wecom.sendCard('zhangsan', card('clr-42-v1'));
    const text = await wecom.sendText('zhangsan', '你的离校手续已全部完成');
    expect(fake.messages).toEqual([
      {
        msgid: sent.msgid,
        touser: 'zhangsan',
        msgtype: 'template_card',
        agentid: 1000002,
        template_card: card('clr-42-v1'),
        task_id: 'clr-42-v1',
        response_code: sent.responseCode,
        ...dedupe,
        at: expect.any(Number),
      },
      {
        msgid: text.msgid,
        touser: 'zhangsan',
        msgtype: 'text',
        agentid: 1000002,
        text: { content: '你的离校手续已全部完成' },
        ...dedupe,
        at: expect.any(Number),
      },
    ]);
    expect(sent.responseCode).toMatch(/^fake-rc-/);
    expect(fake.tokenRequests).toEqual([{ corpid: 'ww1436e0e65a779aee', at: expect.any(Number) }]);
    // a text_notice card is not interactive: no response_code
    expect(
      await wecom.sendCard('lisi', {
        card_type: 'text_notice',
        task_id: 'n-1',
        card_action: { type: 1, url: 'https://x' },
      }),
    ).toEqual({ msgid: expect.any(String) });
  });

  it('a re-sent card (same task_id) and identical text are deduplicated by WeCom, unless the check is off', async () => {
    const wecom = api();
    const a = await wecom.sendCard('zhangsan', card('dup-1'));
    const b = await wecom.sendCard('zhangsan', card('dup-1'));
    await wecom.sendText('lisi', '进度：3/11');
    await wecom.sendText('lisi', '进度：3/11');
    await wecom.sendText('lisi', '进度：3/11', { duplicateCheck: false }); // an answer to a question asked again
    expect(b).toEqual(a);
    expect(fake.messages.map((m) => [m.task_id ?? m.text?.content, m.enable_duplicate_check])).toEqual([
      ['dup-1', 1],
      ['进度：3/11', 1],
      ['进度：3/11', undefined],
    ]);
  });

  it('refuses several recipients in one userid, and a member WeCom does not know is not retryable', async () => {
    const wecom = api();
    expect((await failure(wecom.sendText('a|b', 'x'))).retryable).toBe(false);
    expect((await failure(wecom.sendText('@all', 'x'))).retryable).toBe(false);
    const e = await failure(wecom.sendCard('unknown-x', card('u-1')));
    expect([e.errcode, e.retryable]).toEqual([81013, false]);
    expect(fake.messages).toHaveLength(0);
  });

  it('updateCard spends a response_code once; the second use is refused, not retryable', async () => {
    const wecom = api();
    const { responseCode } = await wecom.sendCard('zhangsan', card('upd-1'));
    const done = { ...card('upd-1'), button_list: undefined, sub_title_text: '已通过' };
    await wecom.updateCard(['zhangsan'], responseCode!, done);
    expect(fake.cardUpdates).toEqual([
      {
        userids: ['zhangsan'],
        agentid: 1000002,
        response_code: responseCode,
        template_card: JSON.parse(JSON.stringify(done)),
      },
    ]);
    const again = await failure(wecom.updateCard(['zhangsan'], responseCode!, done));
    expect([again.errcode, again.retryable]).toEqual([RESPONSE_CODE_USED, false]);
    expect(fake.cardUpdates).toHaveLength(1);
  });

  it('useridByContact: mobile, then email (email_type 1); unknown -> null', async () => {
    const wecom = api();
    expect(await wecom.useridByContact({ mobile: '13800000001' })).toBe('zhangsan');
    expect(await wecom.useridByContact({ email: 'lisi@cqu.edu.cn' })).toBe('lisi');
    expect(await wecom.useridByContact({ mobile: '13900000000', email: 'lisi@cqu.edu.cn' })).toBe('lisi');
    expect(await wecom.useridByContact({ mobile: '13900000000', email: 'nobody@cqu.edu.cn' })).toBeNull();
    expect(await wecom.useridByContact({})).toBeNull();
    expect(fake.lookups.map((l) => `${l.by}:${l.value}:${l.email_type ?? '-'}`)).toEqual([
      'mobile:13800000001:-',
      'email:lisi@cqu.edu.cn:1',
      'mobile:13900000000:-',
      'email:lisi@cqu.edu.cn:1',
      'mobile:13900000000:-',
      'email:nobody@cqu.edu.cn:1',
    ]);
  });
});

describe('wecom api: access_token', () => {
  it('10 concurrent cold calls make one gettoken (single-flight)', async () => {
    const wecom = api();
    await Promise.all(Array.from({ length: 10 }, (_, i) => wecom.sendText(`u${i}`, 'hi')));
    expect(fake.tokenRequests).toHaveLength(1);
    expect(fake.messages).toHaveLength(10);
  });

  it('a token expiring mid-run (42001) is refreshed once for all callers and every call succeeds', async () => {
    const wecom = api();
    await wecom.sendText('zhangsan', 'warm');
    fake.failNext(3, 'token-expired');
    await Promise.all([1, 2, 3].map((i) => wecom.sendCard(`u${i}`, card(`exp-${i}`))));
    expect(fake.tokenRequests).toHaveLength(2);
    expect(fake.calls.filter((c) => c.errcode === 42001).length).toBeGreaterThanOrEqual(1);
    expect(fake.messages.map((m) => m.task_id ?? 'warm').sort()).toEqual(['exp-1', 'exp-2', 'exp-3', 'warm']);
  });

  it('still expired after one refresh: retryable, no third gettoken; a short-lived token is renewed early', async () => {
    fake.failNext(2, 'token-expired');
    const e = await failure(api().sendText('zhangsan', 'x'));
    expect([e.errcode, e.retryable]).toEqual([42001, true]);
    expect(fake.tokenRequests).toHaveLength(2);

    fake.reset();
    fake.tokenTtl = 1;
    const wecom = api();
    await wecom.sendText('zhangsan', 'one');
    await new Promise((r) => setTimeout(r, 600)); // cached for half its life
    await wecom.sendText('zhangsan', 'two');
    expect(fake.tokenRequests).toHaveLength(2);
    expect(fake.calls.filter((c) => c.errcode === 42001)).toEqual([]);
  });
});

describe('wecom api: faults', () => {
  it("a 45009 storm fails fast with retryAfterMs 60 s, and the queue's retries send nothing twice", async () => {
    const waits: number[] = [];
    const wecom = api({ sleep: async (ms) => void waits.push(ms) });
    await wecom.sendText('warm', 'warm');
    fake.reset();
    fake.failNext(3, '45009');
    const first = await Promise.allSettled([1, 2, 3, 4, 5].map((i) => wecom.sendCard(`u${i}`, card(`storm-${i}`))));
    expect(waits).toEqual([]); // no spinning, no waiting in place: the queue retries them in 60 s
    const failed = first.flatMap((r) => (r.status === 'rejected' ? [r.reason as WecomApiError] : []));
    expect(failed.map((e) => [e.errcode, e.retryable, e.retryAfterMs])).toEqual(Array(3).fill([45009, true, 60_000]));
    expect(sends()).toHaveLength(5);
    // at-least-once: the queue later runs every job again, the two that got through included
    await Promise.all([1, 2, 3, 4, 5].map((i) => wecom.sendCard(`u${i}`, card(`storm-${i}`))));
    expect(fake.messages.map((m) => m.task_id).sort()).toEqual(['storm-1', 'storm-2', 'storm-3', 'storm-4', 'storm-5']);
  });

  it('"system busy" (-1) is retried in place at most 3 times with a growing backoff', async () => {
    const waits: number[] = [];
    const wecom = api({ sleep: async (ms) => void waits.push(ms) });
    fake.failNext(3, '-1');
    await wecom.sendText('zhangsan', 'third retry succeeds');
    expect([sends().length, waits]).toEqual([4, [200, 400, 800]]);
    fake.reset();
    fake.failNext(4, '-1');
    const e = await failure(wecom.sendText('zhangsan', 'gives up'));
    expect([e.errcode, e.retryable, sends().length, fake.messages.length]).toEqual([-1, true, 4, 0]);
  });

  it('a hang fails retryable within the timeout (API and gettoken); a 5xx is retryable', async () => {
    const wecom = api({ timeoutMs: 300 });
    await wecom.sendText('zhangsan', 'warm');
    fake.failNext(1, 'hang');
    let started = performance.now();
    const e = await failure(wecom.sendCard('zhangsan', card('hang-1')));
    expect([e.retryable, e.message]).toEqual([true, 'wecom message/send: timed out']);
    expect(performance.now() - started).toBeGreaterThanOrEqual(250); // a timer never fires early

    const cold = api({ timeoutMs: 300 });
    fake.failNext(1, 'hang', 'token');
    started = performance.now();
    expect((await failure(cold.sendText('zhangsan', 'cold'))).retryable).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    await cold.sendText('zhangsan', 'cold'); // the failed fetch was not cached

    fake.failNext(1, '5xx');
    const e5 = await failure(wecom.sendText('zhangsan', '5xx'));
    expect([e5.status, e5.retryable]).toEqual([502, true]);
  });
});

describe('wecom api: pacing', () => {
  it('the 31st message to one member within a minute waits; another member is not held', async () => {
    const clock = virtualClock(0);
    const limiter = createLimiter({ rule: wecomRule, now: clock.now, sleep: clock.sleep });
    const wecom = api({ limiter });
    await Promise.all(Array.from({ length: 30 }, (_, i) => wecom.sendText('ZhangSan', `第${i + 1}条`)));
    let late = false;
    const p = wecom.sendText('zhangsan', '第31条').then(() => (late = true)); // userids are case-insensitive
    await wecom.sendText('lisi', '另一位同学');
    await clock.advanceTo(64_999);
    expect([late, limiter.waiting(), fake.messages.length]).toEqual([false, 1, 31]);
    await clock.advanceTo(65_000); // 60 s plus the 5 s margin after the first one
    await p;
    expect(fake.messages.at(-1)?.text?.content).toBe('第31条');
  });

  it('also keeps one member under 1000 an hour', async () => {
    const clock = virtualClock(0);
    const limiter = createLimiter({ rule: wecomRule, now: clock.now, sleep: clock.sleep });
    const grants: number[] = [];
    for (let i = 0; i < 1001; i++) void limiter.acquire(memberKeys('wangwu')).then(() => grants.push(clock.now()));
    await clock.advanceTo(3_700_000);
    expect([grants[29], grants[30], grants[999], grants[1000]]).toEqual([0, 65_000, 33 * 65_000, 3_660_000]);
  });
});

describe('wecom api: secrets', () => {
  it('neither the secret nor any access_token appears in logs or error messages', async () => {
    const errors: WecomApiError[] = [];
    const collect = (p: Promise<unknown>) => failure(p).then((e) => void errors.push(e));
    await collect(api({}, 'wrong-secret').sendText('zhangsan', 'x'));
    fake.failNext(1, '5xx', 'token');
    await collect(api().sendText('zhangsan', 'x'));
    const wecom = api({ timeoutMs: 300, sleep: async () => {} });
    for (const mode of ['token-expired', '5xx', '45009', 'hang', '-1'] as const)
      fake.failNext(mode === '-1' ? 4 : mode === 'token-expired' ? 2 : 1, mode);
    for (let i = 0; i < 5; i++) await collect(wecom.sendText('zhangsan', `f${i}`));
    await collect(wecom.sendCard('unknown-1', card('s-1')));
    expect(errors.map((e) => e.errcode ?? e.status ?? 'timeout')).toEqual([
      40001,
      502,
      42001,
      502,
      45009,
      'timeout',
      -1,
      81013,
    ]);
    expect(logs.filter((l) => l.includes('"level":40')).length).toBeGreaterThanOrEqual(8); // failures are logged...
    // ...but the request (URL, params) never rides along: not in the text, the stack, or a `cause` an inspector would print
    const text = [
      ...logs,
      ...errors.flatMap((e) => [e.message, String(e.stack), JSON.stringify(e), inspect(e, { depth: 6 })]),
    ].join('\n');
    expect(text).not.toMatch(/fake-wecom-token-|fake-wecom-secret|wrong-secret|corpsecret=|access_token=/);
    expect(new WecomApiError('GET /cgi-bin/x?access_token=abc123&y=1', { retryable: false }).message).toBe(
      'GET /cgi-bin/x?access_token=[redacted]&y=1',
    );
  });
});
