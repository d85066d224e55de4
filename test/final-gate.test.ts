import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { actorFor, seedSeason, studentNo } from './support/season.ts';
import { decide } from '../src/decisions/decide.ts';

let db: TestDb;
const em = () => db.orm.em.fork();
const admin = { kind: 'admin' as const, label: 'setup' };

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 6);
});
afterAll(() => db.close());

const passAs = async (step: string, no: string, overReturn = false) =>
  (
    await decide(em(), db.wf, {
      actor: admin,
      stepKey: step,
      decision: 'pass',
      source: 'admin',
      items: [{ studentNo: no, overReturn }],
    })
  )[0]!;

describe('the final gate (研工办)', () => {
  it('refuses while required steps are open and names them in workflow order', async () => {
    const no = studentNo(0);
    for (const step of [
      'academic_secretary',
      'student_work',
      'party',
      'finance',
      'loan',
      'dormitory',
      'hospital',
      'grad_service',
    ])
      await passAs(step, no);
    const office = await actorFor(db, 'office');
    const [r] = await decide(em(), db.wf, {
      actor: office,
      stepKey: 'grad_office',
      decision: 'pass',
      source: 'card',
      items: [{ studentNo: no }],
    });
    expect(r).toMatchObject({ outcome: 'gate_closed', status: 'pending', openSteps: ['library', 'campus_card'] });
    expect(r!.error).toBe('研究生院研工办 waits for: 图书馆, 一卡通管理中心');
    const [audit] = await db.sql<{ why: string }>(
      `select detail->>'why' as why from audit_event where step_key = 'grad_office' and outcome = 'denied'`,
    );
    expect(audit!.why).toBe('gate_closed');
  });

  it('a returned step keeps the gate closed', async () => {
    const no = studentNo(0);
    await passAs('library', no);
    const lib = await actorFor(db, 'library');
    await decide(em(), db.wf, {
      actor: { kind: 'admin', label: 'x' },
      stepKey: 'library',
      decision: 'revoke',
      source: 'admin',
      items: [{ studentNo: no }],
    });
    await decide(em(), db.wf, {
      actor: lib,
      stepKey: 'library',
      decision: 'return',
      source: 'card',
      items: [{ studentNo: no, reason: '论文未提交' }],
    });
    await passAs('campus_card', no);
    const [r] = await decide(em(), db.wf, {
      actor: await actorFor(db, 'office'),
      stepKey: 'grad_office',
      decision: 'pass',
      source: 'card',
      items: [{ studentNo: no }],
    });
    expect(r).toMatchObject({ outcome: 'gate_closed', openSteps: ['library'] });
  });

  it('opens once every required step has passed', async () => {
    const no = studentNo(0);
    await passAs('library', no, true); // over the previous test's return
    const [r] = await decide(em(), db.wf, {
      actor: await actorFor(db, 'office'),
      stepKey: 'grad_office',
      decision: 'pass',
      source: 'card',
      items: [{ studentNo: no }],
    });
    expect(r).toMatchObject({ outcome: 'applied', status: 'passed', decidedBy: '研工办' });
  });

  it('steps that do not apply to an exit type do not hold the gate', async () => {
    // A workflow where the loan step applies only to graduates: a 退学 student passes the gate without it.
    const wf = structuredClone(db.wf);
    wf.steps.find((s) => s.key === 'loan')!.applies_to = ['毕业'];
    const { importStudents } = await import('../src/imports/students.ts');
    await importStudents(em(), wf, 'student_no,name,college,exit_type\n2099001,退学生,计算机学院,退学\n', 'one.csv');
    const [loan] = await db.sql<{ status: string }>(
      `select c.status from clearance c join student s on s.id = c.student_id where s.student_no = '2099001' and step_key = 'loan'`,
    );
    expect(loan!.status).toBe('not_applicable');
    for (const s of wf.steps.filter((s) => s.key !== 'grad_office' && s.key !== 'loan')) await passAs(s.key, '2099001');
    const [r] = await decide(em(), wf, {
      actor: admin,
      stepKey: 'grad_office',
      decision: 'pass',
      source: 'admin',
      items: [{ studentNo: '2099001' }],
    });
    expect(r!.outcome).toBe('applied');
  });

  it('a revoke racing the final pass never leaves 研工办 passed over a re-opened step', async () => {
    // Students 1-5: every step passed but 研工办. Each round, 研工办's pass and the library's revoke start together:
    // whichever lands first, the other must be refused (gate_closed, or "研工办 has passed").
    const broken: string[] = [];
    for (let round = 0; round < 25; round++) {
      const no = studentNo(1 + (round % 5));
      const [gate] = await db.sql<{ status: string }>(
        `select c.status from clearance c join student s on s.id = c.student_id where s.student_no = $1 and step_key = 'grad_office'`,
        [no],
      );
      if (gate!.status === 'passed')
        await decide(em(), db.wf, {
          actor: admin,
          stepKey: 'grad_office',
          decision: 'revoke',
          source: 'admin',
          items: [{ studentNo: no }],
        });
      for (const s of db.wf.steps.filter((s) => s.key !== 'grad_office')) await passAs(s.key, no);
      await Promise.all([
        passAs('grad_office', no),
        decide(em(), db.wf, {
          actor: admin,
          stepKey: 'library',
          decision: 'revoke',
          source: 'admin',
          items: [{ studentNo: no }],
        }),
      ]);
      const rows = await db.sql<{ step_key: string; status: string }>(
        `select c.step_key, c.status from clearance c join student s on s.id = c.student_id where s.student_no = $1 and step_key in ('grad_office', 'library')`,
        [no],
      );
      const st = Object.fromEntries(rows.map((r) => [r.step_key, r.status]));
      if (st.grad_office === 'passed' && st.library !== 'passed') broken.push(`round ${round}: ${JSON.stringify(st)}`);
    }
    expect(broken).toEqual([]);
  });

  it('a block list re-opening rule passes never crosses the final pass either', async () => {
    const { importStudents } = await import('../src/imports/students.ts');
    const { importList } = await import('../src/imports/lists.ts');
    const nos = Array.from({ length: 40 }, (_, i) => `20981${String(i).padStart(2, '0')}`);
    await importStudents(
      em(),
      db.wf,
      `student_no,name,college\n${nos.map((n) => `${n},生${n},计算机学院`).join('\n')}\n`,
      'race.csv',
    );
    for (const s of db.wf.steps.filter((s) => s.key !== 'grad_office' && s.key !== 'library'))
      await decide(em(), db.wf, {
        actor: admin,
        stepKey: s.key,
        decision: 'pass',
        source: 'admin',
        items: nos.map((studentNo) => ({ studentNo })),
      });
    // Everyone but one unrelated student passes the library by rule; then a new list holds them all again while 研工办 passes them.
    await importList(em(), db.wf, {
      step: 'library',
      mode: 'block',
      text: `student_no\n${studentNo(5)}\n`,
      file: 'first.csv',
      actorLabel: 't',
    });
    await Promise.all([
      importList(em(), db.wf, {
        step: 'library',
        mode: 'block',
        text: `student_no\n${nos.join('\n')}\n`,
        file: 'second.csv',
        actorLabel: 't',
      }),
      ...nos.map((no) => passAs('grad_office', no)),
    ]);
    const broken = await db.sql<{ student_no: string }>(
      `select s.student_no from student s join clearance g on g.student_id = s.id and g.step_key = 'grad_office' join clearance l on l.student_id = s.id and l.step_key = 'library'
        where s.student_no like '20981%' and g.status = 'passed' and l.status <> 'passed'`,
    );
    expect(broken).toEqual([]);
  });

  it('an import that changes the exit type does not re-open a step under a passed 研工办', async () => {
    const wf = structuredClone(db.wf);
    wf.steps.find((s) => s.key === 'loan')!.applies_to = ['毕业'];
    const { importStudents } = await import('../src/imports/students.ts');
    await importStudents(em(), wf, 'student_no,name,college,exit_type\n2099002,退学生二,计算机学院,退学\n', 'one.csv');
    for (const s of wf.steps.filter((s) => s.key !== 'loan'))
      await decide(em(), wf, {
        actor: admin,
        stepKey: s.key,
        decision: 'pass',
        source: 'admin',
        items: [{ studentNo: '2099002' }],
      });
    await importStudents(
      em(),
      wf,
      'student_no,name,college,exit_type\n2099002,退学生二,计算机学院,毕业\n',
      'again.csv',
    );
    const [loan] = await db.sql<{ status: string }>(
      `select c.status from clearance c join student s on s.id = c.student_id where s.student_no = '2099002' and step_key = 'loan'`,
    );
    expect(loan!.status).toBe('not_applicable');
  });
});
