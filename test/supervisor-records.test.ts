// The supervisor's records: the students file's supervisor columns (preview, apply, undo), workflow sync, the
// secretary's paper path and a workflow that makes the secretary wait, the printable 确认书 and its code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { cliRunner } from './support/cli.ts';
import { STAFF_CSV, studentNo } from './support/season.ts';
import { importStudents } from '../src/imports/students.ts';
import { importStaff } from '../src/imports/staff.ts';
import { ImportError } from '../src/imports/csv.ts';
import { decide } from '../src/decisions/decide.ts';
import { syncWorkflow } from '../src/workflow/sync.ts';
import { parseWorkflow } from '../src/workflow/load.ts';
import { formStudent } from '../src/reports/form-student.ts';
import { supervisorFormHtml } from '../bot/forms/supervisor-form.ts';
import { onMessage } from '../handlers/index.ts';
import cquPreset from '../src/workflow/cqu-graduate.json' with { type: 'json' };

let db: TestDb;
const em = () => db.orm.em.fork();
const cli = cliRunner(() => db.url);
const step = async (no: string, key = 'supervisor') =>
  (
    await db.sql<{ status: string; decided_by_label: string | null }>(
      `select c.status, c.decided_by_label from clearance c join student s on s.id = c.student_id
        where s.student_no = $1 and c.step_key = $2`,
      [no, key],
    )
  )[0];
/** students 0-3 with Chinese headers; 0 and 3 are 李老师's (工号 T001), the others have none on file */
function chineseCsv(of: (i: number) => string = (i) => (i === 0 || i === 3 ? '李老师,T001,sup-li' : ',,')): string {
  const lines = ['学号,姓名,学院,校区,企业微信,导师,导师工号,导师企业微信'];
  for (let i = 0; i < 4; i++) lines.push(`${studentNo(i)},学生${i},计算机学院,A区,stu${i},${of(i)}`);
  return lines.join('\n') + '\n';
}

beforeAll(async () => {
  db = await freshDb();
  await importStudents(em(), db.wf, chineseCsv(), 'students.csv');
  // the offices of 计算机学院 and the school (these students' only college)
  const staff = STAFF_CSV.split('\n').filter((l) => !l.includes('机械与运载工程学院'));
  await importStaff(em(), db.wf, staff.join('\n'), 'staff.csv');
});
afterAll(() => db.close());

describe('the supervisor columns of the students file', () => {
  it('Chinese headers name the supervisor; one person for their two students, known by 工号', async () => {
    const people = await db.sql<{ name: string; staff_no: string; wecom_userid: string; students: number }>(
      `select p.name, p.staff_no, p.wecom_userid, (select count(*)::int from student s where s.supervisor_id = p.id) as students
         from person p where p.staff_no is not null`,
    );
    expect(people).toEqual([{ name: '李老师', staff_no: 'T001', wecom_userid: 'sup-li', students: 2 }]);
    expect((await step(studentNo(0)))!.status).toBe('pending');
    expect((await step(studentNo(1)))!.status).toBe('not_applicable');
  });

  it('a supervisor column without a name, or a 工号 or id of someone else, is a bad row and nothing changes', async () => {
    const bad = chineseCsv((i) =>
      i === 1 ? ',T009,' : i === 2 ? '王老师,T002,sec-cs' : i === 0 ? '李老师,T001,sup-li' : ',,',
    );
    const err = await importStudents(em(), db.wf, bad, 'bad.csv').catch((e) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).bad).toEqual([
      { line: 3, reason: 'supervisor_name is empty while other supervisor columns are set' },
      { line: 4, reason: 'supervisor wecom_userid sec-cs already belongs to 秘书甲' },
    ]);
    expect((await step(studentNo(3)))!.status).toBe('pending');
  });

  it('a member of staff on file (found by their id) becomes the supervisor without a second person', async () => {
    await importStudents(
      em(),
      db.wf,
      chineseCsv((i) => (i === 1 ? '秘书甲,,sec-cs' : i === 0 || i === 3 ? '李老师,T001,sup-li' : ',,')),
      'b.csv',
    );
    const [sec] = await db.sql<{ n: number }>(`select count(*)::int as n from person where name = '秘书甲'`);
    expect(sec!.n).toBe(1);
    expect((await step(studentNo(1)))!.status).toBe('pending');
    // and a file without them makes the step not applicable again
    await importStudents(em(), db.wf, chineseCsv(), 'c.csv');
    expect((await step(studentNo(1)))!.status).toBe('not_applicable');
  });

  it('previews, applies and undoes at the command line with the new columns', async () => {
    const file = cli.file(
      'more.csv',
      chineseCsv((i) => (i === 2 ? '赵老师,T003,sup-zhao' : i === 0 || i === 3 ? '李老师,T001,sup-li' : ',,')),
    );
    const dry = await cli.run('import', 'students', file, '--dry-run');
    expect(dry.code).toBe(0);
    expect(await db.sql(`select 1 from person where staff_no = 'T003'`)).toHaveLength(0);
    const applied = await cli.run('import', 'students', file, '--yes');
    expect(applied.code).toBe(0);
    expect((await step(studentNo(2)))!.status).toBe('pending');
    const [batch] = await db.sql<{ id: number }>(
      `select id from batch where kind = 'import.students' order by id desc limit 1`,
    );
    const undone = await cli.run('undo', String(batch!.id), '--yes');
    expect(undone.code).toBe(0);
    expect((await step(studentNo(2)))!.status).toBe('not_applicable');
    expect(await db.sql(`select 1 from person where staff_no = 'T003'`)).toHaveLength(0);
  }, 120_000);
});

describe('a season from before the supervisor step', () => {
  it('workflow sync creates its rows: pending where a supervisor is on file, not applicable elsewhere', async () => {
    await db.sql(`delete from clearance where step_key = 'supervisor'`);
    const plan = await syncWorkflow(em(), db.wf, { apply: true, actorLabel: 'test' });
    expect(plan.steps).toEqual([{ stepKey: 'supervisor', pending: 2, notApplicable: 2 }]);
    expect((await step(studentNo(0)))!.status).toBe('pending');
    expect((await step(studentNo(1)))!.status).toBe('not_applicable');
  });
});

describe('the academic secretary and the paper form', () => {
  const secretary = async () => {
    const [p] = await db.sql<{ id: number }>(`select id from person where wecom_userid = 'sec-cs'`);
    return { kind: 'person' as const, personId: p!.id, name: '秘书甲' };
  };

  it('a workflow may make the secretary wait for the supervisor: the gate stays closed until they confirm', async () => {
    const raw = structuredClone(cquPreset) as { steps: { key: string; requires?: string[] }[] };
    raw.steps.find((s) => s.key === 'academic_secretary')!.requires = ['supervisor'];
    const wf = parseWorkflow(raw, 'test');
    const [r] = await decide(em(), wf, {
      actor: await secretary(),
      stepKey: 'academic_secretary',
      decision: 'pass',
      source: 'card',
      items: [{ studentNo: studentNo(3) }],
    });
    expect(r).toMatchObject({ outcome: 'gate_closed', openSteps: ['supervisor'] });
    // a student without a supervisor on file is not held: not applicable counts as done
    const [free] = await decide(em(), wf, {
      actor: await secretary(),
      stepKey: 'academic_secretary',
      decision: 'pass',
      source: 'card',
      items: [{ studentNo: studentNo(1) }],
    });
    expect(free).toMatchObject({ outcome: 'applied' });
  });

  it('under the preset the secretary may pass on a signed paper form: the supervisor step passes too, recorded so', async () => {
    const [r] = await decide(em(), db.wf, {
      actor: await secretary(),
      stepKey: 'academic_secretary',
      decision: 'pass',
      source: 'card',
      items: [{ studentNo: studentNo(3) }],
    });
    expect(r).toMatchObject({ outcome: 'applied' });
    expect(await step(studentNo(3))).toEqual({ status: 'passed', decided_by_label: '秘书甲（纸质确认书）' });
    // a paper confirmation prints no online confirmation
    const [tok] = await db.sql<{ form_token: string }>('select form_token from student where student_no = $1', [
      studentNo(3),
    ]);
    expect((await formStudent(em(), tok!.form_token, db.wf))!.confirmed).toBeNull();
  });
});

describe('the printable 确认书 and its code', () => {
  it('shows a blank signature line until the supervisor confirms, then "已于 … 在线确认" and a code that 查 shows', async () => {
    const [tok] = await db.sql<{ form_token: string }>('select form_token from student where student_no = $1', [
      studentNo(0),
    ]);
    const before = supervisorFormHtml((await formStudent(em(), tok!.form_token, db.wf))!, '重庆大学');
    expect(before).toContain('导师签字：<span class="blank"></span>');
    const [li] = await db.sql<{ id: number }>(`select id from person where staff_no = 'T001'`);
    await decide(em(), db.wf, {
      actor: { kind: 'person', personId: li!.id, name: '李老师' },
      stepKey: 'supervisor',
      decision: 'pass',
      source: 'card',
      items: [{ studentNo: studentNo(0) }],
    });
    const form = (await formStudent(em(), tok!.form_token, db.wf))!;
    const html = supervisorFormHtml(form, '重庆大学');
    expect(html).toMatch(/导师：<span class="fill">李老师<\/span> 已于 \d{4}-\d{2}-\d{2} \d{2}:\d{2} 在线确认/);
    expect(form.confirmed!.code).toMatch(/^[0-9A-F]{8}$/);
    expect(html).toContain(form.confirmed!.code);
    const deps = { orm: db.orm, wf: db.wf, timeZone: 'Asia/Shanghai', publicUrl: 'http://x' };
    const cards = await onMessage(
      deps,
      { who: { platform: 'wecom', userId: 'sec-cs' }, text: `查 ${studentNo(0)}` },
      { layout: 'buttons' },
    );
    expect(JSON.stringify(cards[0])).toContain(`确认码：${form.confirmed!.code}`);
  });
});
