import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { openOrm } from '../src/db/orm.ts';
import { takeShared } from '../src/delivery/shared-buckets.ts';
import { sharedWecomLimiter } from '../bot/wecom/shared-limiter.ts';
import { sharedFeishuLimiter } from '../bot/feishu/shared-limiter.ts';
import { APP_KEYS, feishuRule } from '../bot/feishu/limiter.ts';
import { memberKeys } from '../bot/wecom/api.ts';

let db: TestDb;
beforeAll(async () => {
  db = await freshDb();
});
afterAll(() => db.close());

const em = () => db.orm.em.fork();

describe('rate-limit buckets shared through PostgreSQL', () => {
  it('eight senders on two connection pools never take more than the bucket allows in any window', async () => {
    const other = await openOrm(db.url, 4); // a second instance
    try {
      const bucket = { key: 'member:test/burst', tokens: 3, windowMs: 1000 };
      // the spends as the database stamped them (what the buckets count), not when this process saw them
      const stamps = new Set<string>();
      const sender = async (i: number) => {
        for (;;) {
          const pool = (i % 2 ? other : db.orm).em.fork();
          const wait = await takeShared(pool, [bucket]);
          if (wait === 0) {
            const rows = await pool.execute<{ at: string }[]>(
              `select to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS.US') as at from rate_spend where key = ?`,
              [bucket.key],
            );
            for (const r of rows) stamps.add(r.at);
            return;
          }
          expect(wait).toBeLessThanOrEqual(1000);
          await new Promise((r) => setTimeout(r, wait));
        }
      };
      await Promise.all(Array.from({ length: 8 }, (_, i) => sender(i)));
      const grants = [...stamps]
        .map((at) => Date.parse(`${at.slice(0, 23)}Z`) + Number(at.slice(23)) / 1000)
        .sort((a, b) => a - b);
      expect(grants).toHaveLength(8);
      // every fourth spend comes a whole window after the first of the three before it
      for (let i = 0; i + 3 < grants.length; i++) expect(grants[i + 3]! - grants[i]!).toBeGreaterThanOrEqual(1000);
    } finally {
      await other.close();
    }
  });

  it('takes from every bucket or from none, and forgets spends that left their window', async () => {
    const a = { key: 'member:test/a', tokens: 1, windowMs: 60_000 };
    const b = { key: 'member:test/b', tokens: 5, windowMs: 60_000 };
    expect(await takeShared(em(), [a])).toBe(0);
    const wait = await takeShared(em(), [a, b]);
    expect(wait).toBeGreaterThan(55_000);
    expect(await db.sql(`select key from rate_spend where key = 'member:test/b'`)).toEqual([]);
    await db.sql(`update rate_spend set at = at - interval '2 minutes' where key = 'member:test/a'`);
    expect(await takeShared(em(), [a, b])).toBe(0);
    expect(
      (await db.sql<{ n: number }>(`select count(*)::int as n from rate_spend where key = 'member:test/a'`))[0]!.n,
    ).toBe(1);
    // a bucket named twice is spent once
    const c = { key: 'member:test/c', tokens: 1, windowMs: 60_000 };
    expect(await takeShared(em(), [c, c])).toBe(0);
    expect(
      (await db.sql<{ n: number }>(`select count(*)::int as n from rate_spend where key = 'member:test/c'`))[0]!.n,
    ).toBe(1);
  });

  it('a bucket named with two ceilings is spent once, against the lower: notices stop short of what answers may take', async () => {
    const answers = { key: 'app/min-test', tokens: 3, windowMs: 60_000 };
    const notices = { key: 'app/min-test', tokens: 2, windowMs: 60_000 };
    expect(await takeShared(em(), [answers])).toBe(0);
    expect(await takeShared(em(), [notices])).toBe(0);
    expect(await takeShared(em(), [answers, notices])).toBeGreaterThan(55_000); // the notices' ceiling binds
    expect(await takeShared(em(), [answers])).toBe(0); // the last one is the answers'
    expect(await takeShared(em(), [answers])).toBeGreaterThan(55_000);
    expect(
      (await db.sql<{ n: number }>(`select count(*)::int as n from rate_spend where key = 'app/min-test'`))[0]!.n,
    ).toBe(3);
  });

  it('WeCom: two instances together send a member 30 messages a minute, not 30 each', async () => {
    const waits: number[] = [];
    const hold = (ms: number) => (waits.push(ms), new Promise<void>(() => {})); // a wait that outlasts the test
    const first = sharedWecomLimiter(db.orm, hold);
    const second = sharedWecomLimiter(db.orm, hold);
    for (let i = 0; i < 30; i++) await (i % 2 ? second : first).acquire(memberKeys('ZhangSan'));
    let thirtyFirst = false;
    void second.acquire(memberKeys('zhangsan')).then(() => (thirtyFirst = true)); // userids are case-insensitive
    await expect.poll(() => waits.length, { timeout: 15_000 }).toBe(1);
    expect(thirtyFirst).toBe(false);
    expect(waits[0]).toBeGreaterThan(60_000); // until the first of the 30 leaves WeCom's 65 s window
    await first.acquire(memberKeys('lisi')); // another member is not held
  });

  it("Feishu: two instances together keep to the app's 50 calls a second, not 50 each", async () => {
    const waits: number[] = [];
    const hold = (ms: number) => (waits.push(ms), new Promise<void>(() => {})); // a wait that outlasts the test
    // each instance's own limiter would let its 50 through at once; only the shared budget holds the 51st back.
    // Feishu's 50 a second, with the second stretched to a minute so that a slow machine cannot let it pass.
    const rule = (key: string) => (key === 'app/s' ? { tokens: 50, windowMs: 60_000 } : feishuRule(key));
    const first = sharedFeishuLimiter(db.orm, hold, rule);
    const second = sharedFeishuLimiter(db.orm, hold, rule);
    for (let i = 0; i < 50; i++) await (i % 2 ? second : first).acquire([...APP_KEYS]);
    let fiftyFirst = false;
    void second.acquire([...APP_KEYS]).then(() => (fiftyFirst = true));
    await expect.poll(() => waits.length, { timeout: 2000 }).toBe(1);
    expect(fiftyFirst).toBe(false);
    expect(waits[0]).toBeGreaterThan(0);
    expect(waits[0]).toBeLessThanOrEqual(60_000);
    const [n] = await db.sql<{ n: number }>(`select count(*)::int as n from rate_spend where key = 'app/s'`);
    expect(n!.n).toBe(50);
  });

  it('one take at a time per limiter, the lowest lane first: an answer goes before a notice that asked earlier', async () => {
    const roomy = (key: string) => ({ tokens: 10_000, windowMs: 1000, key });
    const limiter = sharedFeishuLimiter(db.orm, undefined, roomy);
    const order: string[] = [];
    const asks = [
      limiter.acquire(['user:ou_first'], 2).then(() => order.push('digest')), // its take is in flight at once
      limiter.acquire(['user:ou_second'], 1).then(() => order.push('notice')), // waits its turn
      limiter.acquire(['user:ou_third'], 0).then(() => order.push('answer')), // asked last, goes next
    ];
    await Promise.all(asks);
    expect(order).toEqual(['digest', 'answer', 'notice']);
  });
});
