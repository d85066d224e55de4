// The README's application role, run as written: it can decide and drain changes, and cannot rewrite the trail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { EntityManager } from '@mikro-orm/postgresql';
import { freshDb, type TestDb } from './support/db.ts';
import { actorFor, seedSeason, studentNo } from './support/season.ts';
import { decide } from '../src/decisions/decide.ts';
import { drainChanges } from '../src/queue/drain-changes.ts';
import { runQueueOnce, taskList, workerLogger } from '../src/queue/worker.ts';
import { createLogger } from '../src/log.ts';

let db: TestDb;
const role = `lixiao_app_doc_${process.pid}`;

/** The SQL block of the README's audit-trail paragraph, for a role of this run's own name. */
function documentedSetup(): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block = /\*\*Audit trail\*\*[\s\S]*?```sql\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README: the audit trail paragraph has no sql block');
  return block.replace(/^\s+/gm, '').replaceAll('lixiao_app', role);
}

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 3);
  await db.sql(documentedSetup());
});
afterAll(async () => {
  try {
    await db.sql(`drop owned by ${role}`).catch(() => undefined);
    await db.sql(`drop role if exists ${role}`);
  } finally {
    await db.close();
  }
});

const asApp = <T>(work: (t: EntityManager) => Promise<T>) =>
  db.orm.em.fork().transactional(async (t) => {
    await t.execute(`set local role ${role}`);
    return work(t);
  });

describe('the documented application role', () => {
  it('decides (clearance, audit row, change_outbox) and the drain hands the change to the job queue', async () => {
    const actor = await actorFor(db, 'library');
    const [r] = await asApp((t) =>
      decide(t, db.wf, {
        actor,
        stepKey: 'library',
        decision: 'pass',
        source: 'card',
        items: [{ studentNo: studentNo(0) }],
      }),
    );
    expect(r!.outcome).toBe('applied');
    const client = await db.pool.connect();
    try {
      await client.query(`set role ${role}`);
      expect(await drainChanges(client)).toBe(1);
    } finally {
      // a client whose role cannot be reset is not given back to the pool
      await client.query('reset role').then(
        () => client.release(),
        (e: Error) => client.release(e),
      );
    }
    expect(await db.sql(`select key from graphile_worker._private_jobs`)).toEqual([
      { key: `clearance:${r!.clearanceId}:v2` },
    ]);
    // the worker, logged in as the role, takes the job, runs its listener and completes it
    const asRole = new URL(db.url);
    asRole.username = role;
    asRole.password = '...'; // as the README's CREATE ROLE sets it (the embedded server checks passwords)
    const seen: unknown[] = [];
    await runQueueOnce({
      connectionString: asRole.href,
      taskList: taskList([async (p) => void seen.push(p.changes)]),
      logger: workerLogger(createLogger('silent')),
    });
    expect(seen).toEqual([[{ clearanceId: r!.clearanceId, version: 2 }]]);
    await expect.poll(() => db.sql(`select key from graphile_worker._private_jobs`), { timeout: 15_000 }).toEqual([]);
  });

  it('may not rewrite the audit trail', async () => {
    const denied = await asApp((t) => t.execute("update audit_event set actor_label = 'forged'")).then(
      () => null,
      (x: { code?: string }) => x,
    );
    expect(denied?.code).toBe('42501');
  });
});
