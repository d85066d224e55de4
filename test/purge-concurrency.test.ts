// A season purge does not stall the next season's decisions: they complete while the purge's transaction is open.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IsolationLevel } from '@mikro-orm/core';
import { freshDb, type TestDb } from './support/db.ts';
import { actorFor, COLLEGES, STAFF_CSV } from './support/season.ts';
import { importStudents } from '../src/imports/students.ts';
import { importStaff } from '../src/imports/staff.ts';
import { decide } from '../src/decisions/decide.ts';
import { purgeSeason } from '../src/seasons/purge-season.ts';

let db: TestDb;
const em = () => db.orm.em.fork();
const csv = (prefix: string, count: number) =>
  [
    'student_no,name,college,campus,wecom_userid',
    ...Array.from({ length: count }, (_, i) => `${prefix}${i},生${prefix}${i},${COLLEGES[i % 3]},A区,u${prefix}${i}`),
  ].join('\n');
const numbers = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

beforeAll(async () => {
  db = await freshDb();
  await importStudents(em(), db.wf, csv('202500', 300), 'old.csv', { season: '2025' });
  await importStudents(em(), db.wf, csv('202600', 20), 'new.csv', { season: '2026' });
  await importStaff(em(), db.wf, STAFF_CSV, 'staff.csv');
  // the old season's trail: a librarian's passes (decided_by_id set) and an admin's returns
  await decide(em(), db.wf, {
    actor: await actorFor(db, 'library'),
    stepKey: 'library',
    decision: 'pass',
    source: 'card',
    items: numbers('202500', 300).map((studentNo) => ({ studentNo })),
  });
  await decide(em(), db.wf, {
    actor: { kind: 'admin', label: 'finance' },
    stepKey: 'finance',
    decision: 'return',
    source: 'admin',
    items: numbers('202500', 300).map((studentNo) => ({ studentNo, reason: '学费未缴清' })),
  });
});
afterAll(() => db.close());

describe('a purge while the next season is decided', () => {
  it('finds an index for every foreign key its deletes check (no scan of a table per deleted row)', async () => {
    const unindexed = await db.sql<{ fk: string }>(
      `select c.conrelid::regclass || '.' || a.attname as fk
         from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
        where c.contype = 'f' and c.confrelid in ('student'::regclass, 'person'::regclass, 'clearance'::regclass)
          and not exists (select 1 from pg_index i where i.indrelid = c.conrelid and i.indkey[0] = c.conkey[1])
        order by 1`,
    );
    expect(unindexed).toEqual([]);
  });

  it('takes no lock on the audit trail that blocks its inserts; decisions complete while it is still open', async () => {
    const library = await actorFor(db, 'library');
    let purgeLocks: string[] = [];
    const during: string[] = [];
    let waiting: Promise<unknown>[] = [];
    await em().transactional(
      async (t) => {
        const summary = await purgeSeason(t, db.wf, '2025', { includeOpen: true });
        expect(summary.auditAnonymised).toBeGreaterThanOrEqual(600);
        const [{ pid }] = (await t.execute<{ pid: number }[]>('select pg_backend_pid() as pid')) as [{ pid: number }];
        purgeLocks = (
          await db.sql<{ mode: string }>(
            `select mode from pg_locks where pid = $1 and locktype = 'relation' and relation = 'audit_event'::regclass order by mode`,
            [pid],
          )
        ).map((l) => l.mode);
        // The purge has done all its work and not committed: the next season's decisions go ahead meanwhile.
        const taps = numbers('202600', 5).map((studentNo) =>
          decide(em(), db.wf, {
            actor: library,
            stepKey: 'library',
            decision: 'pass',
            source: 'card',
            items: [{ studentNo }],
          }).then(([r]) => r!.outcome),
        );
        const refused = decide(em(), db.wf, {
          actor: { kind: 'admin', label: 'office' },
          stepKey: 'grad_office',
          decision: 'pass',
          source: 'admin',
          items: [{ studentNo: '2026005' }],
        }).then(([r]) => r!.outcome);
        waiting = [...taps, refused];
        const blocked = new Promise<string>((resolve) => setTimeout(() => resolve('still waiting'), 15_000));
        for (const p of waiting) during.push(await Promise.race([p as Promise<string>, blocked]));
      },
      { isolationLevel: IsolationLevel.READ_COMMITTED },
    );
    await Promise.all(waiting);
    expect(during).toEqual(['applied', 'applied', 'applied', 'applied', 'applied', 'gate_closed']);
    // row locks only (the update of the purged students' old rows), nothing that conflicts with an insert
    expect(purgeLocks).toEqual(['RowExclusiveLock']);
    expect(
      Number((await db.sql<{ n: string }>(`select count(*) as n from student where student_no like '202500%'`))[0]!.n),
    ).toBe(0);
  }, 60_000);
});
