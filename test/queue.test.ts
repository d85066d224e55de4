import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { actorFor, seedSeason, studentNo } from './support/season.ts';
import { decide } from '../src/decisions/decide.ts';
import { enqueueClearanceChanges, enqueueSend, enqueueSends } from '../src/queue/enqueue.ts';
import { drainChanges } from '../src/queue/drain-changes.ts';
import { named, runQueueOnce, startWorker, taskList, workerLogger, type ChangeListener } from '../src/queue/worker.ts';
import { createLogger } from '../src/log.ts';

let db: TestDb;
const em = () => db.orm.em.fork();
const drain = (listeners: ChangeListener[]) =>
  runQueueOnce({
    connectionString: db.url,
    taskList: taskList(listeners),
    logger: workerLogger(createLogger('silent')),
  });
const pendingJobs = async () =>
  db.sql<{ key: string; attempts: number; last_error: string | null }>(
    'select key, attempts, last_error from graphile_worker._private_jobs order by id',
  );

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 3);
});
afterAll(() => db.close());

describe('outbound jobs', () => {
  it('a decision records its change in its own statement; the drain makes it a job, and a listener receives it', async () => {
    const [r] = await decide(em(), db.wf, {
      actor: await actorFor(db, 'library'),
      stepKey: 'library',
      decision: 'pass',
      source: 'card',
      items: [{ studentNo: studentNo(0) }],
    });
    expect(await db.sql('select clearance_id, version, cause from change_outbox')).toEqual([
      { clearance_id: r!.clearanceId, version: 2, cause: 'pass' },
    ]);
    expect(await pendingJobs()).toEqual([]);
    expect(await drainChanges(db.pool)).toBe(1);
    expect(await pendingJobs()).toEqual([{ key: `clearance:${r!.clearanceId}:v2`, attempts: 0, last_error: null }]);
    expect(await drainChanges(db.pool)).toBe(0);
    const seen: unknown[] = [];
    await drain([async (p) => void seen.push(p)]);
    expect(seen).toEqual([
      {
        changes: [{ clearanceId: r!.clearanceId, version: 2 }],
        cause: 'pass',
        jobKey: `clearance:${r!.clearanceId}:v2`,
      },
    ]);
    await expect.poll(pendingJobs, { timeout: 15_000 }).toEqual([]); // completion is written as the worker releases the job
  });

  it('a refused decision queues nothing', async () => {
    await decide(em(), db.wf, {
      actor: await actorFor(db, 'library'),
      stepKey: 'finance',
      decision: 'pass',
      source: 'card',
      items: [{ studentNo: studentNo(1) }],
    });
    expect(await db.sql('select * from change_outbox')).toEqual([]);
    await expect.poll(pendingJobs, { timeout: 15_000 }).toEqual([]); // completion is written as the worker releases the job
  });

  it('the same change queued twice is one job (job key)', async () => {
    await enqueueClearanceChanges(em(), [{ clearanceId: 1, version: 9 }], 'test');
    await enqueueClearanceChanges(em(), [{ clearanceId: 1, version: 9 }], 'test');
    expect(await pendingJobs()).toHaveLength(1);
    await drain([async () => {}]);
  });

  it('a failing listener is retried with backoff until it succeeds', async () => {
    await enqueueClearanceChanges(em(), [{ clearanceId: 2, version: 3 }], 'test');
    let calls = 0;
    const flaky: ChangeListener = async () => {
      calls++;
      if (calls === 1) throw new Error('platform said 503');
    };
    await drain([flaky]);
    // the failure is written as the worker releases the job, which may come just after runOnce resolves
    await expect
      .poll(async () => (await pendingJobs())[0], { timeout: 15_000 })
      .toMatchObject({ attempts: 1, last_error: expect.stringContaining('platform said 503') });
    // graphile-worker puts the retry exp(1) ≈ 2.7 s later; the test moves the job's clock there instead of sleeping
    const [job] = await db.sql<{ later: boolean }>(
      `select run_at > now() + interval '2 seconds' as later from graphile_worker._private_jobs`,
    );
    expect(job!.later).toBe(true);
    await drain([flaky]); // not due yet: nothing runs
    expect(calls).toBe(1);
    await db.sql(`update graphile_worker._private_jobs set run_at = now()`);
    await drain([flaky]);
    expect(calls).toBe(2);
    await expect.poll(pendingJobs, { timeout: 15_000 }).toEqual([]); // completion is written as the worker releases the job
  });
});

describe('listeners of one change', () => {
  it('a failing listener is retried alone: the ones that finished do not run again', async () => {
    await enqueueClearanceChanges(em(), [{ clearanceId: 3, version: 4 }], 'test');
    let notified = 0;
    let patched = 0;
    const notify = named('notify', async () => void notified++);
    const patch = named('patch', async () => {
      patched++;
      if (patched === 1) throw new Error('patch failed');
    });
    await drain([notify, patch]);
    await expect.poll(async () => (await pendingJobs())[0]?.attempts, { timeout: 15_000 }).toBe(1);
    await db.sql('update graphile_worker._private_jobs set run_at = now()');
    await drain([notify, patch]);
    expect({ notified, patched }).toEqual({ notified: 1, patched: 2 });
    await expect.poll(pendingJobs, { timeout: 15_000 }).toEqual([]);
  });

  it('sends wait in lanes: a chat answer before a notice before a digest, whatever the order they were queued in', async () => {
    const digest = { platform: 'feishu', to: 'ou_a', card: {}, key: 'lane-digest', lane: 'bulk' as const };
    const notice = { platform: 'feishu', to: 'ou_a', card: {}, key: 'lane-notice' };
    const answer = { platform: 'feishu', to: 'ou_a', card: {}, key: 'lane-answer', lane: 'interactive' as const };
    await enqueueSends(em(), [digest, { ...digest, key: 'lane-digest-2' }]);
    await enqueueSend(em(), notice);
    await enqueueSend(em(), answer);
    const sent: string[] = [];
    await runQueueOnce({
      connectionString: db.url,
      taskList: taskList([], { feishu: async (job) => void sent.push(job.key) }),
      logger: workerLogger(createLogger('silent')),
      concurrency: 1,
    });
    expect(sent).toEqual(['lane-answer', 'lane-notice', 'lane-digest', 'lane-digest-2']);
  });

  it('an answer someone waits for is sent while every worker is held by notices waiting for the quota', async () => {
    await db.sql('delete from graphile_worker._private_jobs');
    const sent: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const worker = await startWorker({
      connectionString: db.url,
      log: createLogger('silent'),
      listeners: [],
      concurrency: 1,
      senders: {
        feishu: async (job) => {
          if (job.lane !== 'interactive') await held; // a notice waiting for the app's minute to come back
          sent.push(job.key);
        },
      },
    });
    try {
      await enqueueSends(
        em(),
        [1, 2, 3].map((i) => ({ platform: 'feishu', to: 'ou_a', card: {}, key: `held-${i}` })),
      );
      await enqueueSend(em(), { platform: 'feishu', to: 'ou_b', card: {}, key: 'answer', lane: 'interactive' });
      await expect.poll(() => sent, { timeout: 20_000 }).toEqual(['answer']);
    } finally {
      release();
      await expect.poll(() => sent.length, { timeout: 20_000 }).toBe(4);
      await worker.stop();
    }
  });
});
