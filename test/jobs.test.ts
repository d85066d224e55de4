import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { runJob } from '../handlers/jobs/run-job.ts';
import { cleanupJob } from '../handlers/jobs/cleanup.ts';
import { localDate } from '../src/time.ts';

let db: TestDb;
const ctx = (now: Date) => ({
  em: db.orm.em.fork(),
  wf: db.wf,
  timeZone: 'Asia/Shanghai',
  now,
  deps: { orm: db.orm, wf: db.wf, timeZone: 'Asia/Shanghai', publicUrl: 'http://x', platforms: [] },
  settings: { remindDays: [7, 3, 1], nearDays: 3 },
});

beforeAll(async () => {
  db = await freshDb();
});
afterAll(() => db.close());

describe('scheduled jobs', () => {
  it('slots are dates in the university’s time zone', () => {
    // 2026-06-30 17:00 UTC is already 07-01 in Chongqing
    expect(localDate(new Date('2026-06-30T17:00:00Z'), 'Asia/Shanghai')).toBe('2026-07-01');
  });

  it('several instances claiming one slot: exactly one runs it', async () => {
    await db.sql(
      `insert into inbound_event (platform, event_key, received_at) values ('feishu', 'old', now() - interval '25 hours'), ('feishu', 'new', now())`,
    );
    await db.sql(
      `insert into rate_spend (key, at) values ('member:gone/h', now() - interval '3 hours'), ('member:here/h', now())`,
    );
    const now = new Date();
    const runs = await Promise.all(Array.from({ length: 6 }, (_, i) => runJob(cleanupJob, ctx(now), `instance-${i}`)));
    const ran = runs.filter((r) => r.ran);
    expect(ran).toHaveLength(1);
    expect(ran[0]).toMatchObject({ result: { inboundEvents: 1, apiRequests: 0 } });
    expect(runs.filter((r) => !r.ran).every((r) => !r.ran && r.claimedBy.startsWith('instance-'))).toBe(true);
    expect(await db.sql(`select event_key from inbound_event`)).toEqual([{ event_key: 'new' }]);
    expect(await db.sql(`select key from rate_spend`)).toEqual([{ key: 'member:here/h' }]);
  });

  it('the next day is a new slot', async () => {
    const tomorrow = new Date(Date.now() + 24 * 3600 * 1000);
    expect((await runJob(cleanupJob, ctx(tomorrow), 'a')).ran).toBe(true);
  });
});
