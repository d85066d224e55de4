// A queued send whose budget is spent goes back to the queue for when it has room: not slept on, sent once, later.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { startFakeWecom, type FakeWecom } from './support/fake-wecom.ts';
import { virtualClock, type VirtualClock } from './support/virtual-clock.ts';
import { createWecomApi, memberKeys, wecomRule, type WecomApi } from '../bot/wecom/api.ts';
import { sharedWecomLimiter } from '../bot/wecom/shared-limiter.ts';
import { wecomSender } from '../bot/wecom/outbound.ts';
import { createLimiter, type Limiter } from '../bot/delivery/limiter.ts';
import { handlerDeps } from '../bot/server.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { enqueueSend, type SendCardJob } from '../src/queue/enqueue.ts';
import { runQueueOnce, taskList, workerLogger } from '../src/queue/worker.ts';
import { GIVE_BACK_AFTER_MS, QuotaWait } from '../src/delivery/quota-wait.ts';
import type { Card } from '../cards/model.ts';

const log = createLogger('silent');
let db: TestDb;
let fake: FakeWecom;
let clock: VirtualClock;
let limiter: Limiter;
let api: WecomApi;

const em = () => db.orm.em.fork();
const card = (title: string): Card => ({
  type: 'student_notice',
  title,
  tone: 'green',
  summary: title,
  blocks: [{ kind: 'note', text: title }],
});
const notice = (to: string, key: string): SendCardJob => ({ platform: 'wecom', to, card: card('财务处 已通过'), key });
const runQueue = () =>
  runQueueOnce({
    connectionString: db.url,
    taskList: taskList([], {
      wecom: wecomSender(api, handlerDeps({ orm: db.orm, wf: db.wf, config: loadConfig({}), log }), log),
    }),
    logger: workerLogger(log),
    concurrency: 1,
  });
const jobs = () =>
  db.sql<{ key: string | null; attempts: number; last_error: string | null; wait_s: number }>(
    `select key, attempts, last_error, extract(epoch from run_at - now())::float8 as wait_s
       from graphile_worker._private_jobs order by id`,
  );
const to = (userid: string) => fake.messages.filter((m) => m.touser === userid);

beforeAll(async () => {
  db = await freshDb();
  fake = await startFakeWecom({ memberPerMinute: 30 });
});
afterAll(async () => {
  await fake.close();
  await db.close();
});

describe('a send whose budget is spent is given back to the queue', () => {
  beforeAll(() => {
    // the limiter's own clock is the test's; the buckets shared through PostgreSQL count by the database's clock
    clock = virtualClock();
    limiter = sharedWecomLimiter(
      db.orm,
      clock.sleep,
      createLimiter({ rule: wecomRule, now: clock.now, sleep: clock.sleep }),
    );
    api = createWecomApi(
      { corpId: 'ww1436e0e65a779aee', agentId: '1000002', secret: 'fake-wecom-secret', baseUrl: fake.url },
      log,
      { limiter },
    );
  });

  it('the limiter refuses at once, taking nothing, when a bucket holds the keys longer than asked', async () => {
    const local = createLimiter({ rule: wecomRule, now: clock.now, sleep: clock.sleep });
    const keys = memberKeys('Probe');
    for (let i = 0; i < 30; i++) await local.acquire(keys);
    const refused = await local.acquire(keys, 0, GIVE_BACK_AFTER_MS).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(QuotaWait);
    expect((refused as QuotaWait).waitMs).toBe(65_000);
    expect(local.waiting()).toBe(0);
    expect(clock.asked).toEqual([]);
  });

  it('a member whose minute is spent: the notice waits in the queue, not in a worker, and is sent once later', async () => {
    // thirty messages to the office's member this minute (another notice each), as the database counts them
    for (let i = 0; i < 30; i++) await limiter.acquire(memberKeys('LiBrarian'));
    await enqueueSend(em(), notice('LiBrarian', 'ready:student-7'));
    await enqueueSend(em(), notice('ZhangSan', 'passed:student-8')); // another member, within budget

    await runQueue();
    // the other member's notice went; the spent member's was neither sent nor slept on: it waits in the queue
    expect(to('ZhangSan')).toHaveLength(1);
    expect(to('LiBrarian')).toHaveLength(0);
    expect(clock.asked).toEqual([]);
    const [held, ...rest] = await jobs();
    expect(rest).toEqual([]);
    expect(held).toMatchObject({ key: 'send:wecom:ready:student-7', attempts: 0, last_error: null });
    // due when the member's minute (counted 65 s) has room again, not at a failed attempt's backoff
    expect(held!.wait_s).toBeGreaterThan(55);
    expect(held!.wait_s).toBeLessThanOrEqual(66);

    // a run before then sends nothing: the job is not due
    await runQueue();
    expect(to('LiBrarian')).toHaveLength(0);

    // the minute passes: on the limiter's clock, in the shared buckets and in the queue
    await clock.advanceTo(66_000);
    await db.sql(`update rate_spend set at = at - interval '66 seconds'`);
    await db.sql(
      `select graphile_worker.reschedule_jobs(array(select id from graphile_worker._private_jobs), run_at => now())`,
    );
    await runQueue();
    await runQueue();
    expect(to('LiBrarian')).toHaveLength(1);
    expect(await jobs()).toEqual([]);
  });

  it('a give-back keeps the failed attempts before it (it is no attempt itself)', async () => {
    for (let i = 0; i < 30; i++) await limiter.acquire(memberKeys('WangWu'));
    await enqueueSend(em(), notice('WangWu', 'passed:student-9'));
    // one failed attempt before (as graphile-worker records one)
    await db.sql(`update graphile_worker._private_jobs set attempts = 1, last_error = 'wecom 5xx'`);
    await runQueue();
    const [held] = await jobs();
    expect(held).toMatchObject({ key: 'send:wecom:passed:student-9', attempts: 1 });
    expect(to('WangWu')).toHaveLength(0);
  });

  it("another instance's spends: refused after the shared buckets, its own tokens given back unused", async () => {
    const otherLocal = createLimiter({ rule: wecomRule, now: clock.now, sleep: clock.sleep });
    const other = sharedWecomLimiter(db.orm, clock.sleep, otherLocal);
    const refused = await other.acquire(memberKeys('WangWu'), 0, GIVE_BACK_AFTER_MS).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(QuotaWait);
    expect((refused as QuotaWait).waitMs).toBeGreaterThan(55_000);
    // all thirty of the member's minute are still there for this process's own count
    for (let i = 0; i < 30; i++) await otherLocal.acquire(memberKeys('WangWu'), 0, 0);
    expect(clock.asked).toEqual([]);
  });
});
