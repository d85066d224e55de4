import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { actorFor, seedSeason, studentNo } from './support/season.ts';
import { importList, ListError } from '../src/imports/lists.ts';
import { ImportError } from '../src/imports/csv.ts';
import { decide } from '../src/decisions/decide.ts';

const N = 5000;
let db: TestDb;
const em = () => db.orm.em.fork();
const counts = async (step: string) =>
  Object.fromEntries(
    (
      await db.sql<{ status: string; n: string }>(
        'select status, count(*) as n from clearance where step_key = $1 group by status',
        [step],
      )
    ).map((r) => [r.status, Number(r.n)]),
  );
const one = async (no: string, step: string) =>
  (
    await db.sql<{ status: string; source: string | null; reason: string | null; amount: string | null }>(
      'select c.status, c.source, c.reason, c.amount from clearance c join student s on s.id = c.student_id where s.student_no = $1 and c.step_key = $2',
      [no, step],
    )
  )[0]!;
const list = (rows: string[]) => ['student_no,reason,amount', ...rows].join('\n');

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, N);
}, 120_000);
afterAll(() => db.close());

describe(`block lists on a season of ${N} students`, () => {
  it('keeps the listed students pending with reason and amount and passes everyone else', async () => {
    // A librarian already passed one listed student by hand: a list does not undo a person's decision.
    await decide(em(), db.wf, {
      actor: await actorFor(db, 'finance'),
      stepKey: 'finance',
      decision: 'pass',
      source: 'card',
      items: [{ studentNo: studentNo(3) }],
    });
    const s = await importList(em(), db.wf, {
      step: 'finance',
      mode: 'block',
      text: list([`${studentNo(1)},学费欠费,4500`, `${studentNo(2)},住宿费欠费,1200.50`, `${studentNo(3)},,10`]),
      file: 'arrears-0601.csv',
      actorLabel: 'test',
    });
    expect(s).toEqual({
      listed: 3,
      blocked: 2,
      passed: N - 3,
      kept: [{ studentNo: studentNo(3), status: 'passed', decidedBy: '财务' }],
      conflicts: [],
      stepName: '财务处',
      foreignReasons: [],
    });
    expect(await counts('finance')).toEqual({ pending: 2, passed: N - 2 });
    expect(await one(studentNo(1), 'finance')).toEqual({
      status: 'pending',
      source: null,
      reason: '学费欠费',
      amount: '4500.00',
    });
    expect(await one(studentNo(0), 'finance')).toMatchObject({ status: 'passed', source: 'rule' });
    const [audit] = await db.sql<{ file: string; listed: string; changed: string }>(
      `select detail->>'file' as file, detail->>'listed' as listed, detail->>'changed' as changed from audit_event where action = 'list.block' and student_id is null`,
    );
    // changed: everyone else passed, and the two held students got their reason and amount
    expect(audit).toEqual({ file: 'arrears-0601.csv', listed: '3', changed: String(N - 1) });
    const jobs = await db.sql<{ n: string }>(`select count(*) as n from graphile_worker._private_jobs`);
    expect(Number(jobs[0]!.n)).toBe(Math.ceil((N - 1) / 1000)); // the list's changes in chunks
    expect(await db.sql(`select cause from change_outbox`)).toEqual([{ cause: 'pass' }]); // the hand pass, for the worker's drain
  });

  it('a newer list updates the state: paid students pass, newly listed rule passes are held again', async () => {
    const s = await importList(em(), db.wf, {
      step: 'finance',
      mode: 'block',
      text: list([`${studentNo(2)},住宿费欠费,600`, `${studentNo(10)},图书赔偿,80`]),
      file: 'arrears-0615.csv',
      actorLabel: 'test',
    });
    expect(s).toMatchObject({ listed: 2, blocked: 2, passed: 1 });
    expect(await one(studentNo(1), 'finance')).toMatchObject({ status: 'passed', source: 'rule' });
    expect(await one(studentNo(2), 'finance')).toMatchObject({ status: 'pending', amount: '600.00' });
    expect(await one(studentNo(10), 'finance')).toEqual({
      status: 'pending',
      source: null,
      reason: '图书赔偿',
      amount: '80.00',
    });
    expect(await counts('finance')).toEqual({ pending: 2, passed: N - 2 });
    const sources = await db.sql<{ file: string }>(
      `select distinct detail->>'file' as file from audit_event where action = 'list.block' order by 1`,
    );
    expect(sources.map((r) => r.file)).toEqual(['arrears-0601.csv', 'arrears-0615.csv']);
  });

  it('a list with an unknown student changes nothing and names the row', async () => {
    const before = await counts('loan');
    const e = await importList(em(), db.wf, {
      step: 'loan',
      mode: 'block',
      text: list([studentNo(1), '1234567', `${studentNo(2)},,abc`]),
      file: 'l.csv',
      actorLabel: 't',
    }).catch((x) => x);
    expect(e).toBeInstanceOf(ImportError);
    expect((e as ImportError).bad).toEqual([
      { line: 3, reason: 'unknown student 1234567' },
      { line: 4, reason: 'amount must be a number like 120 or 35.50' },
    ]);
    expect(await counts('loan')).toEqual(before);
  });

  it('the final step is not decided by list', async () => {
    await expect(
      importList(em(), db.wf, {
        step: 'grad_office',
        mode: 'pass',
        text: list([studentNo(1)]),
        file: 'x.csv',
        actorLabel: 't',
      }),
    ).rejects.toThrow(ListError);
  });
});

describe('pass lists', () => {
  it('passes the listed students (the party committee’s non-members) and nobody else', async () => {
    const listed = Array.from({ length: 1500 }, (_, i) => studentNo(i * 3)); // 计算机学院 students
    const s = await importList(em(), db.wf, {
      step: 'party',
      mode: 'pass',
      text: list(listed),
      file: 'non-members.csv',
      actorLabel: 't',
    });
    expect(s).toMatchObject({ listed: 1500, passed: 1500, kept: [] });
    expect(await counts('party')).toEqual({ pending: N - 1500, passed: 1500 });
    expect(await one(studentNo(3), 'party')).toMatchObject({ status: 'passed', source: 'list' });
    const again = await importList(em(), db.wf, {
      step: 'party',
      mode: 'pass',
      text: list(listed.slice(0, 2)),
      file: 'again.csv',
      actorLabel: 't',
    });
    expect(again).toMatchObject({
      passed: 0,
      kept: [
        { studentNo: studentNo(0), status: 'passed' },
        { studentNo: studentNo(3), status: 'passed' },
      ],
    });
  });
});
