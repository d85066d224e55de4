// What is applied is exactly what was previewed: the apply re-runs the plan inside its transaction and stops, changing
// nothing, when the database changed in between so that the result would differ.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { freshDb, type TestDb } from './support/db.ts';
import { seedSeason, studentNo } from './support/season.ts';
import { runBatch, BatchChangedError } from '../src/batches/run-batch.ts';
import { importList } from '../src/imports/lists.ts';
import { importStudents } from '../src/imports/students.ts';
import { decide } from '../src/decisions/decide.ts';
import { purgeSeason } from '../src/seasons/purge-season.ts';

let db: TestDb;
const em = () => db.orm.em.fork();
const meta = { kind: 'list.block', by: 'test' };
const blockList = (step: string) => (t: EntityManager) =>
  importList(t, db.wf, {
    step,
    mode: 'block',
    text: `student_no\n${studentNo(1)}\n`,
    file: 'l.csv',
    actorLabel: 'test',
  });
const counts = (step: string) =>
  db.sql(`select status, count(*)::int as n from clearance where step_key = $1 group by status order by status`, [
    step,
  ]);
const adminPass = (step: string, no: string) =>
  decide(em(), db.wf, {
    actor: { kind: 'admin', label: 'test' },
    stepKey: step,
    decision: 'pass',
    source: 'admin',
    items: [{ studentNo: no }],
  });

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 9);
});
afterAll(() => db.close());

describe('preview then apply', () => {
  it('a preview changes nothing and leaves no batch; applying it gives the same changes', async () => {
    const preview = await runBatch(em(), meta, blockList('loan'), { apply: false });
    expect(preview.id).toBeNull();
    expect(preview.changes.clearances.map((m) => [m.step, m.from, m.to, m.students.count])).toEqual([
      ['loan', 'pending', 'pending', 1],
      ['loan', 'pending', 'passed', 8],
    ]);
    expect(await counts('loan')).toEqual([{ status: 'pending', n: 9 }]);
    expect(await db.sql('select * from batch')).toEqual([]);
    const applied = await runBatch(em(), meta, blockList('loan'), { apply: true, expect: preview.fingerprint });
    expect(applied.fingerprint).toBe(preview.fingerprint);
    expect(await counts('loan')).toEqual([
      { status: 'passed', n: 8 },
      { status: 'pending', n: 1 },
    ]);
    const [batch] = await db.sql<{ count: number }>('select count from batch where id = $1', [applied.id]);
    expect(batch!.count).toBe(9);
    // The batch's rows are audited under its id.
    expect(
      await db.sql(
        `select action, count(*)::int as n from audit_event where batch_id = $1 group by action order by action`,
        [applied.id],
      ),
    ).toEqual([
      { action: 'batch.apply', n: 1 },
      { action: 'list.block', n: 10 }, // a row per student changed, and the list's own
    ]);
  });

  it('a decision in between that changes the outcome stops the apply, and nothing changes', async () => {
    const preview = await runBatch(em(), meta, blockList('hospital'), { apply: false });
    await adminPass('hospital', studentNo(4)); // the list would have passed this student; now someone else did
    const before = await counts('hospital');
    await expect(
      runBatch(em(), meta, blockList('hospital'), { apply: true, expect: preview.fingerprint }),
    ).rejects.toThrow(BatchChangedError);
    expect(await counts('hospital')).toEqual(before);
    expect(await db.sql(`select 1 from batch where kind = 'list.block' and id > (select min(id) from batch)`)).toEqual(
      [],
    );
  });

  it('a change elsewhere does not stop it; new rows and a new season are the same plan twice', async () => {
    const preview = await runBatch(em(), meta, blockList('grad_service'), { apply: false });
    await adminPass('library', studentNo(5));
    const applied = await runBatch(em(), meta, blockList('grad_service'), { apply: true, expect: preview.fingerprint });
    expect(applied.id).toEqual(expect.any(Number));

    const csv = 'student_no,name,college\n2099001,甲,新学院\n2099002,乙,新学院\n';
    const run = (t: EntityManager) => importStudents(t, db.wf, csv, 's.csv', { season: '2099' });
    const students = { kind: 'import.students', by: 'test' };
    const first = await runBatch(em(), students, run, { apply: false });
    expect(first.changes.colleges_created.first).toEqual(['新学院']);
    expect(first.changes.students_added.count).toBe(2);
    const done = await runBatch(em(), students, run, { apply: true, expect: first.fingerprint });
    expect(done.fingerprint).toBe(first.fingerprint);
  });

  it('a purged season leaves nothing of its students in the batches', async () => {
    const csv = 'student_no,name,college\n2098001,待清除,计算机学院\n';
    await runBatch(
      em(),
      { kind: 'import.students', by: 'test' },
      (t) => importStudents(t, db.wf, csv, 'p.csv', { season: '2098' }),
      {
        apply: true,
      },
    );
    expect((await db.sql(`select 1 from batch_change where after::text like '%2098001%'`)).length).toBeGreaterThan(0);
    await purgeSeason(em(), db.wf, '2098', { includeOpen: true });
    expect(
      await db.sql(`select 1 from batch_change where after::text like '%2098001%' or after::text like '%待清除%'`),
    ).toEqual([]);
    expect(await db.sql(`select 1 from batch where summary::text like '%2098001%'`)).toEqual([]);
  });
});
