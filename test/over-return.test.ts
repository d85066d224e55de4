// A pass does not silently undo a return (退回): without intent it is a conflict naming who returned, when and why.
// Every refused attempt is in the audit trail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { actorFor, seedSeason, studentNo } from './support/season.ts';
import { startServer, type TestServer } from './support/http.ts';
import { decide } from '../src/decisions/decide.ts';
import { importList } from '../src/imports/lists.ts';

const LIB = 'library-system-token-0123456789ab';
let db: TestDb;
let srv: TestServer;
const em = () => db.orm.em.fork();
const bearer = { authorization: `Bearer ${LIB}` };
const statusOf = async (no: string, step: string) =>
  (
    await db.sql<{ status: string }>(
      'select c.status from clearance c join student s on s.id = c.student_id where s.student_no = $1 and step_key = $2',
      [no, step],
    )
  )[0]!.status;

/** A librarian returns the student with a reason, as from their card. */
async function librarianReturns(no: string, reason: string) {
  const [r] = await decide(em(), db.wf, {
    actor: await actorFor(db, 'library'),
    stepKey: 'library',
    decision: 'return',
    source: 'card',
    items: [{ studentNo: no, reason }],
  });
  expect(r!.outcome).toBe('applied');
  return r!;
}

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 12);
  srv = await startServer(db, { LIXIAO_API_TOKENS: `library:${LIB}` });
});
afterAll(async () => {
  await srv.close();
  await db.close();
});

describe('a pass over a return', () => {
  it('through the API without over_return is a conflict naming who returned it, when and why; with it, applied', async () => {
    const returned = await librarianReturns(studentNo(0), '有 2 本书未还');
    const res = await srv.post(
      '/api/v1/decisions',
      { decisions: [{ student_no: studentNo(0), decision: 'pass' }] },
      bearer,
    );
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ applied: 0 });
    expect(res.json.results[0]).toMatchObject({
      student_no: studentNo(0),
      outcome: 'conflict',
      status: 'returned',
      decided_by: '图书馆员',
      decided_at: returned.decidedAt,
      reason: '有 2 本书未还',
    });
    expect(await statusOf(studentNo(0), 'library')).toBe('returned');
    const over = await srv.post(
      '/api/v1/decisions',
      { decisions: [{ student_no: studentNo(0), decision: 'pass', over_return: true }] },
      bearer,
    );
    expect(over.json.results[0]).toMatchObject({ outcome: 'applied', status: 'passed' });
  });

  it('from a card that showed the returned row (its version) is intent enough', async () => {
    const returned = await librarianReturns(studentNo(1), '污损图书');
    const [r] = await decide(em(), db.wf, {
      actor: await actorFor(db, 'library'),
      stepKey: 'library',
      decision: 'pass',
      source: 'card',
      items: [{ studentNo: studentNo(1), expectedVersion: returned.version }],
    });
    expect(r).toMatchObject({ outcome: 'applied', status: 'passed' });
  });

  it('a pass list leaves returned students returned and reports them as conflicts, unless it says overReturn', async () => {
    await librarianReturns(studentNo(2), '逾期未还');
    const list = `student_no\n${studentNo(2)}\n${studentNo(3)}\n`;
    const s = await importList(em(), db.wf, {
      step: 'library',
      mode: 'pass',
      text: list,
      file: 'a.csv',
      actorLabel: 't',
    });
    expect(s.passed).toBe(1);
    expect(s.conflicts).toEqual([
      { studentNo: studentNo(2), returnedBy: '图书馆员', returnedAt: expect.any(String), reason: '逾期未还' },
    ]);
    expect(await statusOf(studentNo(2), 'library')).toBe('returned');
    const over = await importList(em(), db.wf, {
      step: 'library',
      mode: 'pass',
      text: list,
      file: 'b.csv',
      actorLabel: 't',
      overReturn: true,
    });
    expect(over).toMatchObject({ passed: 1, conflicts: [] });
    expect(await statusOf(studentNo(2), 'library')).toBe('passed');
  });
});

describe('refused attempts', () => {
  it('are audited: already decided, unknown student, not applicable, invalid, conflict, as well as denied and gate_closed', async () => {
    const before = (await db.sql<{ id: string }>('select coalesce(max(id), 0)::text as id from audit_event'))[0]!.id;
    await db.sql(
      `update clearance set status = 'not_applicable' where step_key = 'loan' and student_id = (select id from student where student_no = $1)`,
      [studentNo(5)],
    );
    await librarianReturns(studentNo(6), '未还书');
    const rows = await decide(em(), db.wf, {
      actor: { kind: 'admin', label: 'cli:test' },
      stepKey: 'library',
      decision: 'pass',
      source: 'admin',
      items: [{ studentNo: studentNo(0) }, { studentNo: '9999999' }, { studentNo: studentNo(6) }],
    });
    expect(rows.map((r) => r.outcome)).toEqual(['already_decided', 'unknown_student', 'conflict']);
    const [na] = await decide(em(), db.wf, {
      actor: { kind: 'admin', label: 'cli:test' },
      stepKey: 'loan',
      decision: 'pass',
      source: 'admin',
      items: [{ studentNo: studentNo(5) }],
    });
    expect(na!.outcome).toBe('not_applicable');
    const audit = await db.sql<{ outcome: string; student: string | null; no: string | null }>(
      `select e.outcome, s.student_no as student, e.detail->>'student_no' as no from audit_event e left join student s on s.id = e.student_id
        where e.id > $1 and e.actor_label = 'cli:test' order by e.id`,
      [before],
    );
    expect(audit).toEqual([
      { outcome: 'already_decided', student: studentNo(0), no: null },
      { outcome: 'unknown_student', student: null, no: '9999999' },
      { outcome: 'conflict', student: studentNo(6), no: null },
      { outcome: 'not_applicable', student: studentNo(5), no: null },
    ]);
  });
});
