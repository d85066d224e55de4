import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { actorFor, seedSeason, studentNo } from './support/season.ts';
import { decide } from '../src/decisions/decide.ts';
import type { DecisionRequest } from '../src/decisions/types.ts';
import { changeJobKey } from '../src/queue/enqueue.ts';
import { drainChanges } from '../src/queue/drain-changes.ts';

let db: TestDb;
const em = () => db.orm.em.fork();
const one = async (req: Omit<DecisionRequest, 'source'> & { source?: DecisionRequest['source'] }) =>
  (await decide(em(), db.wf, { source: 'card', ...req }))[0]!;

beforeAll(async () => {
  db = await freshDb(60);
  await seedSeason(db, 30);
});
afterAll(() => db.close());

describe('a single decision', () => {
  it('passes a pending clearance, bumps its version, audits it and queues one job', async () => {
    const actor = await actorFor(db, 'library');
    const r = await one({ actor, stepKey: 'library', decision: 'pass', items: [{ studentNo: studentNo(0) }] });
    expect(r).toMatchObject({
      outcome: 'applied',
      status: 'passed',
      version: 2,
      decidedBy: '图书馆员',
      asRole: 'handler',
    });
    const [c] = await db.sql<{ status: string; source: string }>(
      `select c.status, c.source from clearance c join student s on s.id = c.student_id where s.student_no = $1 and c.step_key = 'library'`,
      [studentNo(0)],
    );
    expect(c).toEqual({ status: 'passed', source: 'card' });
    const audit = await db.sql(
      `select outcome, detail->>'as_role' as role from audit_event where action = 'pass' and step_key = 'library'`,
    );
    expect(audit).toEqual([{ outcome: 'applied', role: 'handler' }]);
    expect(await db.sql(`select clearance_id, version, cause from change_outbox`)).toEqual([
      { clearance_id: expect.any(Number), version: 2, cause: 'pass' },
    ]);
    expect(await drainChanges(db.pool)).toBe(1);
    const jobs = await db.sql<{ key: string }>(
      `select key from graphile_worker._private_jobs where key like 'clearance:%'`,
    );
    expect(jobs).toHaveLength(1);
    expect(await db.sql(`select * from change_outbox`)).toEqual([]);
  });

  it('a batch is one statement: every row audited with the version it reached, one job keyed as changeJobKey says', async () => {
    const actor = await actorFor(db, 'hospital');
    const nos = [studentNo(20), studentNo(21), studentNo(22)];
    const rows = await decide(em(), db.wf, {
      actor,
      stepKey: 'hospital',
      decision: 'pass',
      source: 'card',
      items: nos.map((studentNo) => ({ studentNo })),
    });
    expect(rows.map((r) => r.outcome)).toEqual(['applied', 'applied', 'applied']);
    const changes = rows.map((r) => ({ clearanceId: r.clearanceId!, version: r.version! }));
    expect(await drainChanges(db.pool)).toBe(3);
    const [job] = await db.sql<{ key: string; payload: { changes: unknown[]; cause: string } }>(
      `select key, payload from graphile_worker._private_jobs where key like 'clearances:%'`,
    );
    expect(job).toEqual({
      key: changeJobKey(changes),
      payload: { changes: [...changes].sort((a, b) => a.clearanceId - b.clearanceId), cause: 'pass' },
    });
    const audit = await db.sql<{ version: number }>(
      `select (detail->>'version')::int as version from audit_event where action = 'pass' and step_key = 'hospital' order by id`,
    );
    expect(audit.map((a) => a.version)).toEqual([2, 2, 2]);
  });

  it('a return needs a reason, and then records it', async () => {
    const actor = await actorFor(db, 'library');
    expect(
      (await one({ actor, stepKey: 'library', decision: 'return', items: [{ studentNo: studentNo(1) }] })).outcome,
    ).toBe('invalid');
    const r = await one({
      actor,
      stepKey: 'library',
      decision: 'return',
      items: [{ studentNo: studentNo(1), reason: '有 2 本书未还' }],
    });
    expect(r).toMatchObject({ outcome: 'applied', status: 'returned' });
    // A pass that does not say it means to undo the return is a conflict naming who returned it, when and why.
    const blind = await one({ actor, stepKey: 'library', decision: 'pass', items: [{ studentNo: studentNo(1) }] });
    expect(blind).toMatchObject({
      outcome: 'conflict',
      status: 'returned',
      decidedBy: '图书馆员',
      decidedAt: r.decidedAt,
      reason: '有 2 本书未还',
    });
    expect(blind.error).toContain('有 2 本书未还');
    const again = await one({
      actor,
      stepKey: 'library',
      decision: 'pass',
      items: [{ studentNo: studentNo(1), overReturn: true }],
    });
    expect(again).toMatchObject({ outcome: 'applied', status: 'passed' });
    const audit = await db.sql(
      `select e.outcome, e.detail->>'why' as why from audit_event e join student s on s.id = e.student_id
        where s.student_no = $1 and e.step_key = 'library' order by e.id`,
      [studentNo(1)],
    );
    expect(audit).toEqual([
      { outcome: 'invalid', why: 'invalid' },
      { outcome: 'applied', why: null },
      { outcome: 'conflict', why: 'conflict' },
      { outcome: 'applied', why: null },
    ]);
  });

  it('a stale card (old version) changes nothing', async () => {
    const actor = await actorFor(db, 'hospital');
    const r = await one({
      actor,
      stepKey: 'hospital',
      decision: 'pass',
      items: [{ studentNo: studentNo(2), expectedVersion: 7 }],
    });
    expect(r).toMatchObject({ outcome: 'already_decided', status: 'pending' });
  });

  it('an unknown student is an error on its row', async () => {
    const actor = await actorFor(db, 'library');
    const r = await one({ actor, stepKey: 'library', decision: 'pass', items: [{ studentNo: '9999999' }] });
    expect(r.outcome).toBe('unknown_student');
  });
});

describe('rows the caller has just read (known)', () => {
  const item = async (no: string, step: string) => {
    const [r] = await db.sql<{
      clearanceId: number;
      studentId: number;
      collegeId: number;
      campus: string | null;
      status: string;
      version: number;
    }>(
      `select c.id as "clearanceId", s.id as "studentId", s.college_id as "collegeId", s.campus, c.status, c.version from clearance c join student s on s.id = c.student_id where s.student_no = $1 and c.step_key = $2`,
      [no, step],
    );
    return { ...r!, stepKey: step, decidedBy: null, decidedAt: null };
  };

  it('decides from them, and the compare-and-set catches a change made since they were read', async () => {
    const actor = await actorFor(db, 'library');
    const read = await item(studentNo(10), 'library');
    // someone else passes the student after the caller's read
    await one({
      actor: await actorFor(db, 'library'),
      stepKey: 'library',
      decision: 'pass',
      items: [{ studentNo: studentNo(10) }],
    });
    const r = await one({
      actor,
      stepKey: 'library',
      decision: 'pass',
      items: [{ studentNo: studentNo(10), expectedVersion: read.version }],
      known: new Map([[studentNo(10), read]]),
    });
    expect(r).toMatchObject({ outcome: 'already_decided', status: 'passed', version: 2, decidedBy: '图书馆员' });
    const fresh = await item(studentNo(11), 'library');
    expect(
      await one({
        actor,
        stepKey: 'library',
        decision: 'pass',
        items: [{ studentNo: studentNo(11) }],
        known: new Map([[studentNo(11), fresh]]),
      }),
    ).toMatchObject({ outcome: 'applied', version: 2 });
  });

  it('are still authorized against: another college’s secretary is denied from them too', async () => {
    const row = await item(studentNo(12), 'academic_secretary');
    const other = (
      await db.sql<{ wecom_userid: string }>(
        `select p.wecom_userid from assignment a join person p on p.id = a.person_id where a.step_key = 'academic_secretary' and a.college_id is not null and a.college_id <> $1 limit 1`,
        [row.collegeId],
      )
    )[0]!;
    const r = await one({
      actor: await actorFor(db, other.wecom_userid),
      stepKey: 'academic_secretary',
      decision: 'pass',
      items: [{ studentNo: studentNo(12) }],
      known: new Map([[studentNo(12), row]]),
    });
    expect(r.outcome).toBe('denied');
    // and they are what decide() goes by: the same row, said to be of the secretary's own college, is passed
    const [own] = await db.sql<{ college_id: number }>(
      `select a.college_id from assignment a join person p on p.id = a.person_id where p.wecom_userid = $1 and a.step_key = 'academic_secretary'`,
      [other.wecom_userid],
    );
    const said = { ...row, collegeId: own!.college_id };
    const mine = await one({
      actor: await actorFor(db, other.wecom_userid),
      stepKey: 'academic_secretary',
      decision: 'pass',
      items: [{ studentNo: studentNo(12) }],
      known: new Map([[studentNo(12), said]]),
    });
    expect(mine.outcome).toBe('applied');
  });

  it('are not trusted at the final gate: 研工办 reads the other steps itself', async () => {
    const row = await item(studentNo(13), 'grad_office');
    const r = await one({
      actor: await actorFor(db, 'office'),
      stepKey: 'grad_office',
      decision: 'pass',
      items: [{ studentNo: studentNo(13) }],
      known: new Map([[studentNo(13), row]]),
    });
    expect(r.outcome).toBe('gate_closed');
  });
});

describe('concurrent taps', () => {
  it('50 concurrent passes of one clearance give one decision and one audit row; the others learn who decided', async () => {
    const a = await actorFor(db, 'dorm-a');
    const admin = await actorFor(db, 'admin-school');
    const target = studentNo(3); // campus A区
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        one({ actor: i % 2 ? a : admin, stepKey: 'dormitory', decision: 'pass', items: [{ studentNo: target }] }),
      ),
    );
    const applied = results.filter((r) => r.outcome === 'applied');
    expect(applied).toHaveLength(1);
    const losers = results.filter((r) => r.outcome !== 'applied');
    expect(
      losers.every(
        (r) =>
          r.outcome === 'already_decided' &&
          r.decidedBy === applied[0]!.decidedBy &&
          r.decidedAt === applied[0]!.decidedAt,
      ),
    ).toBe(true);
    const audit = await db.sql(
      `select 1 from audit_event e join student s on s.id = e.student_id where s.student_no = $1 and e.step_key = 'dormitory' and e.outcome = 'applied'`,
      [target],
    );
    expect(audit).toHaveLength(1);
    const [c] = await db.sql<{ version: number }>(
      `select version from clearance c join student s on s.id = c.student_id where s.student_no = $1 and step_key = 'dormitory'`,
      [target],
    );
    expect(c!.version).toBe(2);
  });
});
