import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { actorFor, seedSeason, studentNo, STAFF_CSV } from './support/season.ts';
import { decide } from '../src/decisions/decide.ts';
import { importStaff } from '../src/imports/staff.ts';
import type { Decision } from '../src/decisions/types.ts';

let db: TestDb;
const em = () => db.orm.em.fork();

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 90); // student i: college i % 3 (计算机 A区, 机械 B区, 经济 虎溪)
});
afterAll(() => db.close());

// Each case gets a student of its own, so no case sees another's decision.
const next = { 计算机: 0, 机械: 1, 经济: 2 };
const student = (college: keyof typeof next) => {
  const i = next[college];
  next[college] += 3;
  return studentNo(i);
};

const status = async (no: string, step: string) =>
  (
    await db.sql<{ status: string }>(
      'select c.status from clearance c join student s on s.id = c.student_id where s.student_no = $1 and c.step_key = $2',
      [no, step],
    )
  )[0]!.status;

async function attempt(
  who: string,
  step: string,
  college: keyof typeof next,
  decision: Decision = 'pass',
  prepare?: (no: string) => Promise<void>,
) {
  const no = student(college);
  await prepare?.(no);
  const before = await status(no, step);
  const [r] = await decide(em(), db.wf, {
    actor: await actorFor(db, who),
    stepKey: step,
    decision,
    source: 'card',
    items: [{ studentNo: no, reason: 'x' }],
  });
  return { r: r!, before, after: await status(no, step) };
}

describe('who may pass a step (role x step x own / other scope)', () => {
  const cases: [string, string, keyof typeof next, 'handler' | 'school_admin' | null][] = [
    ['sec-cs', 'academic_secretary', '计算机', 'handler'],
    ['sec-cs', 'academic_secretary', '机械', null],
    ['sec-me', 'academic_secretary', '机械', 'handler'],
    ['sw-cs', 'student_work', '计算机', 'handler'],
    ['sw-cs', 'student_work', '经济', null],
    ['party-cs', 'party', '计算机', 'handler'],
    ['party-cs', 'party', '机械', null],
    ['sec-cs', 'party', '计算机', null],
    ['dorm-a', 'dormitory', '计算机', 'handler'], // A区
    ['dorm-a', 'dormitory', '机械', null], // B区: another campus
    ['dorm-hx', 'dormitory', '经济', 'handler'], // 虎溪
    ['finance', 'finance', '机械', 'handler'],
    ['finance', 'library', '机械', null],
    ['card', 'campus_card', '经济', 'handler'],
    ['admin-cs', 'academic_secretary', '计算机', null], // a college admin supervises, does not decide
    ['admin-school', 'party', '经济', 'school_admin'],
    ['admin-school', 'hospital', '计算机', 'school_admin'],
    ['stu0', 'library', '计算机', null], // students hold no step
  ];
  it.each(cases)('%s on %s for a %s student: %s', async (who, step, college, role) => {
    const { r, after } = await attempt(who, step, college);
    if (role) {
      expect(r).toMatchObject({ outcome: 'applied', asRole: role });
      expect(after).toBe('passed');
    } else {
      expect(r.outcome).toBe('denied');
      expect(after).toBe('pending');
    }
  });

  it('records every denied attempt in the audit trail', async () => {
    const denied = await db.sql<{ n: string }>(`select count(*) as n from audit_event where outcome = 'denied'`);
    expect(Number(denied[0]!.n)).toBe(cases.filter((c) => !c[3]).length);
  });
});

describe('who may revoke a decision', () => {
  const passFirst = (step: string) => async (no: string) => {
    await decide(em(), db.wf, {
      actor: { kind: 'admin', label: 'setup' },
      stepKey: step,
      decision: 'pass',
      source: 'admin',
      items: [{ studentNo: no }],
    });
  };
  const cases: [string, string, keyof typeof next, boolean][] = [
    ['admin-cs', 'academic_secretary', '计算机', true], // a college admin, a college step of their college
    ['admin-cs', 'academic_secretary', '机械', false], // another college
    ['admin-cs', 'library', '计算机', false], // a school step
    ['admin-school', 'library', '机械', true],
    ['library', 'library', '机械', false], // a handler passes and returns, but does not revoke
  ];
  it.each(cases)('%s revoking %s for a %s student: %s', async (who, step, college, allowed) => {
    const { r, before, after } = await attempt(who, step, college, 'revoke', passFirst(step));
    expect(before).toBe('passed');
    expect(r.outcome).toBe(allowed ? 'applied' : 'denied');
    expect(after).toBe(allowed ? 'pending' : 'passed');
  });
});

describe('staff changes', () => {
  it('a person removed from the roster can no longer decide; the change is audited', async () => {
    const ok = await attempt('library', 'library', '计算机');
    expect(ok.r.outcome).toBe('applied');
    const roster = STAFF_CSV.split('\n')
      .filter((l) => !l.includes(',library'))
      .join('\n');
    const summary = await importStaff(em(), db.wf, roster, 'staff-v2.csv', { replace: true });
    expect(summary).toMatchObject({ added: 0, removed: 1 });
    const gone = await attempt('library', 'library', '计算机');
    expect(gone.r.outcome).toBe('denied');
    expect(gone.after).toBe('pending');
    const audit = await db.sql(
      `select outcome, detail->>'person' as person, detail->>'file' as file from audit_event where action = 'staff.change' and outcome = 'removed'`,
    );
    expect(audit).toEqual([{ outcome: 'removed', person: '图书馆员', file: 'staff-v2.csv' }]);
    // Re-importing the same roster changes nothing more.
    expect(await importStaff(em(), db.wf, roster, 'staff-v2.csv', { replace: true })).toMatchObject({
      added: 0,
      removed: 0,
    });
  });
});
