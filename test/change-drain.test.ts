import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Writable } from 'node:stream';
import { freshDb, type TestDb } from './support/db.ts';
import { actorFor, seedSeason, studentNo } from './support/season.ts';
import { decide } from '../src/decisions/decide.ts';
import { DRAIN_BATCH, drainChanges, startChangeDrain } from '../src/queue/drain-changes.ts';
import { changeJobKey } from '../src/queue/enqueue.ts';
import { createLogger } from '../src/log.ts';

let db: TestDb;
beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 120); // 1,320 clearances
});
afterAll(() => db.close());

type Job = { key: string; payload: { changes: { clearanceId: number; version: number }[]; cause: string } };
const jobs = () =>
  db.sql<Job>(
    `select key, payload from graphile_worker._private_jobs where task_id = (select id from graphile_worker._private_tasks where identifier = 'clearance_changed') order by id`,
  );
const clearJobs = () => db.sql(`delete from graphile_worker._private_jobs`);
const record = (where = 'true') =>
  db.sql(
    `insert into change_outbox (clearance_id, version, cause) select id, 2, case when id % 3 = 0 then 'list.pass' else 'pass' end from clearance where ${where}`,
  );

describe('the change drain', () => {
  it('hands every recorded change to exactly one job: batches of at most DRAIN_BATCH, one cause per job, keys as changeJobKey', async () => {
    await record();
    const [{ n }] = (await db.sql<{ n: number }>('select count(*)::int as n from change_outbox')) as [{ n: number }];
    expect(await drainChanges(db.pool)).toBe(n);
    expect(await db.sql('select * from change_outbox')).toEqual([]);
    const all = await jobs();
    expect(all.length).toBeGreaterThanOrEqual(Math.ceil(n / DRAIN_BATCH));
    for (const j of all) {
      expect(j.payload.changes.length).toBeLessThanOrEqual(DRAIN_BATCH);
      expect(j.key).toBe(changeJobKey(j.payload.changes));
      expect(j.payload.changes.every((c) => (c.clearanceId % 3 === 0) === (j.payload.cause === 'list.pass'))).toBe(
        true,
      );
    }
    const handed = all.flatMap((j) => j.payload.changes.map((c) => c.clearanceId));
    expect(handed).toHaveLength(n);
    expect(new Set(handed).size).toBe(n);
    await clearJobs();
  });

  it('two drains side by side hand over each change once (SKIP LOCKED)', async () => {
    await record();
    const [{ n }] = (await db.sql<{ n: number }>('select count(*)::int as n from change_outbox')) as [{ n: number }];
    const pools = [
      new pg.Pool({ connectionString: db.url, max: 1 }),
      new pg.Pool({ connectionString: db.url, max: 1 }),
    ];
    try {
      const counts = await Promise.all(pools.map((p) => drainChanges(p)));
      expect(counts[0]! + counts[1]!).toBe(n);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
    const handed = (await jobs()).flatMap((j) => j.payload.changes.map((c) => c.clearanceId));
    expect(handed).toHaveLength(n);
    expect(new Set(handed).size).toBe(n);
    await clearJobs();
  });

  it('a change committed after a later one is still handed over (no cursor to skip it)', async () => {
    const late = new pg.Client({ connectionString: db.url });
    await late.connect();
    try {
      await late.query('begin');
      await late.query(`insert into change_outbox (clearance_id, version, cause) values (1, 5, 'pass')`);
      await record('id = 2');
      expect(await drainChanges(db.pool)).toBe(1);
      await late.query('commit');
      expect(await drainChanges(db.pool)).toBe(1);
    } finally {
      await late.end();
    }
    expect((await jobs()).map((j) => j.key).sort()).toEqual(['clearance:1:v5', 'clearance:2:v2']);
    await clearJobs();
  });

  it('a purged clearance takes its queued change with it', async () => {
    await record('id = 3');
    await db.sql('delete from clearance where id = 3');
    expect(await db.sql('select * from change_outbox')).toEqual([]);
  });

  it('runs beside the worker: a decision becomes a job within the interval', async () => {
    const drain = startChangeDrain(db.pool, createLogger('silent'), 50);
    try {
      const [r] = await decide(db.orm.em.fork(), db.wf, {
        actor: await actorFor(db, 'library'),
        stepKey: 'library',
        decision: 'pass',
        source: 'card',
        items: [{ studentNo: studentNo(7) }],
      });
      await expect
        .poll(async () => (await jobs()).map((j) => j.key), { timeout: 15_000 })
        .toEqual([`clearance:${r!.clearanceId}:v2`]);
    } finally {
      await drain.stop();
    }
    await clearJobs();
  });

  it('while it fails it says so once a minute, not every 250 ms, and says when it works again', async () => {
    let logged = '';
    const sink = new Writable({ write: (chunk, _e, cb) => ((logged += chunk.toString()), cb()) });
    await db.sql('alter table change_outbox rename to change_outbox_away');
    const drain = startChangeDrain(db.pool, createLogger('info', sink), 20);
    try {
      const failures = () => logged.match(/handing clearance changes to the job queue failed/g)?.length ?? 0;
      await expect.poll(failures, { timeout: 10_000 }).toBe(1);
      await new Promise((r) => setTimeout(r, 600)); // more failed drains (however many this machine manages): still one line
      expect(failures()).toBe(1);
      await db.sql('alter table change_outbox_away rename to change_outbox');
      await expect
        .poll(() => logged.includes('clearance changes reach the job queue again'), { timeout: 15_000 })
        .toBe(true);
    } finally {
      await drain.stop();
      await db.sql('alter table if exists change_outbox_away rename to change_outbox');
    }
  });
});
