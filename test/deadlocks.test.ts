// Batches over the same students in opposite orders wait for each other instead of deadlocking; a deadlock that
// still happens (another party locking crosswise) is retried.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { IsolationLevel } from '@mikro-orm/core';
import { freshDb, type TestDb } from './support/db.ts';
import { seedSeason, studentNo } from './support/season.ts';
import { decide } from '../src/decisions/decide.ts';
import { importList } from '../src/imports/lists.ts';

const N = 120;
let db: TestDb;
const em = () => db.orm.em.fork();
const admin = { kind: 'admin' as const, label: 'batch' };
const numbers = Array.from({ length: N }, (_, i) => studentNo(i));

/** A batch pass, inside a transaction of the caller's (as the API's idempotent requests are): nothing retries it. */
const batchInTransaction = (step: string, nos: string[]) =>
  em().transactional(
    (t) =>
      decide(t, db.wf, {
        actor: admin,
        stepKey: step,
        decision: 'pass',
        source: 'admin',
        items: nos.map((studentNo) => ({ studentNo })),
      }),
    { isolationLevel: IsolationLevel.READ_COMMITTED },
  );

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, N);
});
afterAll(() => db.close());

describe('batches in opposite orders', () => {
  it('two overlapping batches, concurrently, 15 rounds: every row passed once, no deadlock', async () => {
    const errors: string[] = [];
    for (let round = 0; round < 15; round++) {
      await db.sql(
        `update clearance set status = 'pending', decided_by_label = null, decided_at = null where step_key = 'hospital'`,
      );
      const results = await Promise.allSettled([
        batchInTransaction('hospital', numbers),
        batchInTransaction('hospital', [...numbers].reverse()),
      ]);
      for (const r of results) if (r.status === 'rejected') errors.push(`round ${round}: ${String(r.reason)}`);
      if (results.every((r) => r.status === 'fulfilled')) {
        const applied = results.flatMap((r) => (r as PromiseFulfilledResult<{ outcome: string }[]>).value);
        expect(applied.filter((x) => x.outcome === 'applied')).toHaveLength(N);
      }
    }
    expect(errors).toEqual([]);
  });

  it('a block list and a batch over the same step in the opposite order do not deadlock either', async () => {
    const errors: string[] = [];
    for (let round = 0; round < 8; round++) {
      await db.sql(
        `update clearance set status = 'pending', source = null, decided_by_label = null, decided_at = null, reason = null, amount = null
          where step_key = 'loan'`,
      );
      const results = await Promise.allSettled([
        em().transactional(
          (t) =>
            importList(t, db.wf, {
              step: 'loan',
              mode: 'block',
              text: `student_no\n${studentNo(N - 1)}\n`,
              file: 'arrears.csv',
              actorLabel: 't',
            }),
          { isolationLevel: IsolationLevel.READ_COMMITTED },
        ),
        batchInTransaction('loan', [...numbers].reverse()),
      ]);
      for (const r of results) if (r.status === 'rejected') errors.push(`round ${round}: ${String(r.reason)}`);
    }
    expect(errors).toEqual([]);
  });

  it('a deadlock with another party is retried: the batch applies once that party is done', async () => {
    const ids = await db.sql<{ id: number }>(
      `select c.id from clearance c join student s on s.id = c.student_id
        where c.step_key = 'dormitory' and s.student_no = any($1) order by c.id`,
      [[studentNo(0), studentNo(1)]],
    );
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    try {
      await other.query('begin');
      await other.query('update clearance set updated_at = now() where id = $1', [ids[1]!.id]);
      const batch = decide(em(), db.wf, {
        actor: admin,
        stepKey: 'dormitory',
        decision: 'pass',
        source: 'admin',
        items: [{ studentNo: studentNo(0) }, { studentNo: studentNo(1) }],
      });
      // the batch holds the first row and waits for the second ...
      await expect
        .poll(
          async () =>
            (
              await db.sql(
                `select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%update clearance c%'`,
              )
            ).length,
          { timeout: 10_000 },
        )
        .toBe(1);
      // ... and the other party now wants the first: PostgreSQL breaks the cycle by failing the batch (it waited first)
      await other.query('update clearance set updated_at = now() where id = $1', [ids[0]!.id]);
      await other.query('commit');
      const rows = await batch;
      expect(rows.map((r) => r.outcome)).toEqual(['applied', 'applied']);
    } finally {
      await other.end();
    }
  });
});
