// Deadline reports against real PostgreSQL: per-step counts, overdue vs near, the final gate, the 20 cap, and who is reminded when.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { seedSeason, studentNo } from './support/season.ts';
import { decide } from '../src/decisions/decide.ts';
import type { Decision } from '../src/decisions/types.ts';
import { collegeDigestCard } from '../cards/index.ts';
import { collegeDigests, officeBacklog, remindersDue, type CollegeDigest } from '../src/reports/overdue.ts';

// 75 students, 25 per college: i % 3 == 0 计算机学院 (CS), 1 机械与运载工程学院 (ME), 2 经济与工商管理学院 (EC).
const N = 75;
const CS = '计算机学院';
const ME = '机械与运载工程学院';
const EC = '经济与工商管理学院';
const TODAY = '2026-06-20';
const NEAR = 3;
const of = (college: string) => Array.from({ length: N / 3 }, (_, k) => 3 * k + [CS, ME, EC].indexOf(college));

let db: TestDb;
const em = () => db.orm.em.fork();
const act = (step: string, idx: number[], decision: Decision = 'pass', reason?: string) =>
  decide(em(), db.wf, {
    actor: { kind: 'admin', label: 't' },
    stepKey: step,
    decision,
    source: 'admin',
    items: idx.map((i) => ({ studentNo: studentNo(i), reason })),
  });
const REQUIRED = [
  'academic_secretary',
  'student_work',
  'party',
  'finance',
  'loan',
  'library',
  'dormitory',
  'hospital',
  'grad_service',
  'campus_card',
];
const passAll = async (idx: number[], final = true) => {
  for (const step of [...REQUIRED, ...(final ? ['grad_office'] : [])]) await act(step, idx);
};
const setDeadline = (i: number, d: string | null) =>
  db.sql('update student set deadline = $2 where student_no = $1', [studentNo(i), d]);
const names = (keys: string[]) => keys.map((k) => db.wf.steps.find((s) => s.key === k)!.name);
const digestOf = async (college: string, today = TODAY) =>
  (await collegeDigests(em(), db.wf, today, NEAR)).find((d) => d.college === college);
/** perStep as { step: [open, overdue, near] } for compact expectations */
const counts = (d: CollegeDigest | undefined) =>
  Object.fromEntries(d!.perStep.map((s) => [s.step, [s.open, s.overdue, s.near]]));
const each = (v: [number, number, number], over: Record<string, [number, number, number]> = {}) =>
  Object.fromEntries(REQUIRED.map((k) => [k, over[k] ?? v]));

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, N); // every deadline 2027-06-30: open, neither overdue nor near
  await setDeadline(1, '2026-06-19'); // yesterday: overdue
  await setDeadline(4, TODAY); // near (0 days)
  await setDeadline(7, '2026-06-23'); // near (today + 3)
  await setDeadline(10, '2026-06-24'); // today + 4: neither
  await setDeadline(13, null); // no deadline: never overdue or near
}, 120_000);
afterAll(() => db.close());

describe('collegeDigests', () => {
  it('counts open, overdue and near per step in workflow order; a returned step is open; no deadline is neither', async () => {
    await act('library', [1]);
    await act('finance', [4]);
    await act('library', [10], 'return', '论文未提交');
    const all = await collegeDigests(em(), db.wf, TODAY, NEAR);
    expect(all.map((d) => d.college)).toEqual([CS, ME, EC].sort((a, b) => a.localeCompare(b, 'zh')));
    const me = all.find((d) => d.college === ME)!;
    expect(me.perStep.map((s) => s.step)).toEqual(REQUIRED); // no 研工办: nobody is ready for it
    expect(me.perStep[0]).toEqual({
      step: 'academic_secretary',
      name: '学院研究生教务秘书',
      open: 25,
      overdue: 1,
      near: 2,
    });
    expect(counts(me)).toEqual(each([25, 1, 2], { library: [24, 0, 2], finance: [24, 1, 1] }));
    expect(me).toMatchObject({ openStudents: 25, overdueTotal: 1 });
    expect(me.overdue).toEqual([
      {
        studentNo: studentNo(1),
        name: '学生1',
        deadline: '2026-06-19',
        openSteps: names(REQUIRED.filter((k) => k !== 'library')),
      },
    ]);
    expect(counts(all.find((d) => d.college === CS))).toEqual(each([25, 0, 0]));
    expect(all.find((d) => d.college === CS)).toMatchObject({ overdue: [], overdueTotal: 0, openStudents: 25 });
    expect(all.find((d) => d.college === CS)!.collegeId).toBeTypeOf('number');
  });

  it('counts the final step (研工办) only for students whose required steps have all passed; finished students drop out', async () => {
    await passAll([1], false); // ready for 研工办, still late
    await passAll([7]); // done
    const me = await digestOf(ME);
    expect(counts(me)).toEqual({ ...each([23, 0, 1], { finance: [22, 0, 0] }), grad_office: [1, 1, 0] });
    expect(me!.perStep.at(-1)).toEqual({ step: 'grad_office', name: '研究生院研工办', open: 1, overdue: 1, near: 0 });
    expect(me).toMatchObject({
      openStudents: 24,
      overdueTotal: 1,
      overdue: [{ studentNo: studentNo(1), openSteps: ['研究生院研工办'] }],
    });
  });

  it('lists at most 20 overdue students, by deadline then student number, with the full count; a finished late student is not one', async () => {
    const cs = of(CS);
    for (const [k, i] of cs.entries()) await setDeadline(i, `2026-06-0${1 + ((k * 7) % 5)}`);
    await passAll([cs[0]!]);
    const d = (await digestOf(CS))!;
    const late = cs.slice(1).map((i, j) => ({ no: studentNo(i), deadline: `2026-06-0${1 + (((j + 1) * 7) % 5)}` }));
    late.sort((a, b) => a.deadline.localeCompare(b.deadline) || a.no.localeCompare(b.no));
    expect(d.overdueTotal).toBe(24);
    expect(d.overdue.map((o) => [o.studentNo, o.deadline])).toEqual(late.slice(0, 20).map((o) => [o.no, o.deadline]));
    expect(d.overdue[0]!.openSteps).toEqual(names(REQUIRED));
    expect(d).toMatchObject({ openStudents: 24 });
    expect(counts(d)).toEqual(each([24, 24, 0]));
    // The report is the card's view as it stands (cards defines its own type; this keeps the two in step).
    expect(collegeDigestCard(d).blocks).toContainEqual({ kind: 'note', text: '另有 4 名逾期学生', detail: true });
  });
});

describe('officeBacklog', () => {
  it('is school-wide per step, most overdue first, the final step counted when ready', async () => {
    // CS: 24 open and late on every required step; ME: 23 open (finance 22), 研工办 1 late; EC: 25 open.
    const rows = await officeBacklog(em(), db.wf, TODAY);
    const first = REQUIRED.filter((k) => k !== 'finance').map((k) => ({
      step: k,
      name: names([k])[0],
      overdue: 24,
      open: 72,
    }));
    expect(rows).toEqual([
      ...first,
      { step: 'finance', name: '财务处', overdue: 24, open: 71 },
      { step: 'grad_office', name: '研究生院研工办', overdue: 1, open: 1 },
    ]);
  });

  it('leaves out a college with nothing open', async () => {
    await passAll(of(EC));
    expect((await collegeDigests(em(), db.wf, TODAY, NEAR)).map((d) => d.college)).not.toContain(EC);
    expect((await officeBacklog(em(), db.wf, TODAY)).find((r) => r.step === 'hospital')).toMatchObject({ open: 47 });
  });
});

describe('remindersDue', () => {
  it('reminds at exactly 7, 3 and 1 days before, and every day after the deadline; never a student with nothing open', async () => {
    await db.sql('update student set deadline = null');
    const days: [number, string][] = [
      [4, '2026-06-27'], // 7
      [10, '2026-06-23'], // 3
      [13, '2026-06-21'], // 1
      [16, '2026-06-22'], // 2: not a threshold
      [19, TODAY], // 0: not a threshold
      [22, '2026-06-24'], // 4
      [1, '2026-06-19'], // -1
      [3, '2026-06-15'], // -5
      [7, '2026-06-13'], // late but finished
      [2, '2026-06-27'], // 7 days, finished (EC)
    ];
    for (const [i, d] of days) await setDeadline(i, d);
    const due = await remindersDue(em(), db.wf, TODAY, [7, 3, 1]);
    expect(due.map((r) => [r.studentNo, r.daysLeft])).toEqual([
      [studentNo(3), -5],
      [studentNo(1), -1],
      [studentNo(13), 1],
      [studentNo(10), 3],
      [studentNo(4), 7],
    ]);
    const [p] = await db.sql<{ id: number; person_id: number }>(
      'select id, person_id from student where student_no = $1',
      [studentNo(1)],
    );
    expect(due[1]).toEqual({
      studentId: p!.id,
      studentNo: studentNo(1),
      personId: p!.person_id,
      name: '学生1',
      deadline: '2026-06-19',
      daysLeft: -1,
      openSteps: ['研究生院研工办'],
    });
    // A reminder is the student's whole to-do list: the final step is named even while it still waits for the others.
    expect(due[0]!.openSteps).toEqual(names([...REQUIRED, 'grad_office']));
    expect(due[4]!.openSteps).toEqual(names([...REQUIRED.filter((k) => k !== 'finance'), 'grad_office']));

    const tomorrow = await remindersDue(em(), db.wf, '2026-06-21', [7, 3, 1]);
    expect(tomorrow.map((r) => [r.studentNo, r.daysLeft])).toEqual([
      [studentNo(3), -6],
      [studentNo(1), -2],
      [studentNo(19), -1], // its deadline was yesterday: reminded from now on
      [studentNo(16), 1],
      [studentNo(22), 3],
    ]);
    expect((await remindersDue(em(), db.wf, '2026-06-21', [])).map((r) => r.daysLeft)).toEqual([-6, -2, -1]);
  });
});
