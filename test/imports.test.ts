import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { STAFF_CSV, studentNo, studentsCsv } from './support/season.ts';
import { importStudents } from '../src/imports/students.ts';
import { importStaff } from '../src/imports/staff.ts';
import { ImportError } from '../src/imports/csv.ts';

let db: TestDb;
const em = () => db.orm.em.fork();
const count = async (table: string) =>
  Number((await db.sql<{ n: string }>(`select count(*) as n from ${table}`))[0]!.n);
const badRows = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(ImportError);
  return (e as ImportError).bad;
};

beforeAll(async () => {
  db = await freshDb();
});
afterAll(() => db.close());

describe('students', () => {
  it('creates students, their colleges and a clearance per step; BOM and CRLF are fine', async () => {
    const csv = '\uFEFF' + studentsCsv(30).replace(/\n/g, '\r\n');
    expect(await importStudents(em(), db.wf, csv, 's.csv')).toEqual({
      rows: 30,
      created: 30,
      updated: 0,
      season: expect.any(String),
      heldBack: [],
    });
    expect(await count('student')).toBe(30);
    expect(await count('college')).toBe(3);
    expect(await count('clearance')).toBe(30 * 11);
  });

  it('a malformed file changes nothing and names every bad row with its line', async () => {
    const before = await db.sql('select * from student order by id');
    const csv = [
      'student_no,name,college,campus,degree,exit_type,deadline,email',
      `${studentNo(0)},改名,计算机学院,A区,硕士,毕业,2027-06-30,`, // line 2: fine, an update
      '2099001,新生,计算机学院,C区,硕士,毕业,,', // line 3: bad campus
      '2099002,,计算机学院,A区,,,,', // line 4: no name
      '2099003,某,计算机学院,A区,学士,毕业,2027-02-30,', // line 5: degree, date
      '2099004,某,计算机学院,A区,硕士,毕业,,not-an-email', // line 6
      `${studentNo(0)},重复,计算机学院,A区,,,,`, // line 7: repeats line 2
    ].join('\n');
    const bad = await badRows(importStudents(em(), db.wf, csv, 'bad.csv'));
    expect(bad.map((b) => b.line)).toEqual([3, 4, 5, 6, 7]);
    expect(bad[0]!.reason).toBe('campus must be one of A区, B区, 虎溪');
    expect(bad[1]!.reason).toBe('name is empty');
    expect(bad[2]!.reason).toBe('degree must be 博士 or 硕士; deadline is not a calendar date');
    expect(bad[4]!.reason).toBe(`student_no ${studentNo(0)} already on line 2`);
    expect(await db.sql('select * from student order by id')).toEqual(before);
  });

  it('a missing required column is reported on line 1', async () => {
    const bad = await badRows(importStudents(em(), db.wf, 'student_no,name\n1,a\n', 'x.csv'));
    expect(bad).toEqual([{ line: 1, reason: 'missing column college (学院)' }]);
  });

  it('a platform id already held by someone else is a bad row', async () => {
    const bad = await badRows(
      importStudents(em(), db.wf, `student_no,name,college,wecom_userid\n2099010,新,计算机学院,stu1\n`, 'x.csv'),
    );
    expect(bad).toEqual([{ line: 2, reason: 'wecom_userid stu1 already belongs to 学生1' }]);
  });

  it('re-importing updates students; a changed exit type flips undecided steps only', async () => {
    const wf = structuredClone(db.wf);
    wf.steps.find((s) => s.key === 'party')!.applies_to = ['毕业'];
    await db.sql(
      `update clearance set status = 'passed', decided_by_label = 'x', source = 'admin' where step_key = 'library' and student_id = (select id from student where student_no = $1)`,
      [studentNo(5)],
    );
    const csv = `student_no,name,college,exit_type\n${studentNo(5)},学生五,经济与工商管理学院,退学\n`;
    expect(await importStudents(em(), wf, csv, 'u.csv')).toEqual({
      rows: 1,
      created: 0,
      updated: 1,
      season: expect.any(String),
      heldBack: [],
    });
    const rows = await db.sql<{ step_key: string; status: string }>(
      `select step_key, status from clearance c join student s on s.id = c.student_id where s.student_no = $1 and step_key in ('party', 'library', 'loan') order by step_key`,
      [studentNo(5)],
    );
    expect(rows).toEqual([
      { step_key: 'library', status: 'passed' },
      { step_key: 'loan', status: 'pending' },
      { step_key: 'party', status: 'not_applicable' },
    ]);
    const [s] = await db.sql<{ name: string; exit_type: string }>(
      'select name, exit_type from student where student_no = $1',
      [studentNo(5)],
    );
    expect(s).toEqual({ name: '学生五', exit_type: '退学' });
  });
});

describe('staff', () => {
  it('validates roles, steps, colleges and campuses with line numbers, changing nothing', async () => {
    const csv = [
      'name,role,step,college,campus',
      '甲,handler,,*,', // 2: handler without step
      '乙,handler,canteen,*,', // 3: unknown step
      '丙,college_admin,,,', // 4: college admin without college
      '丁,handler,party,不存在学院,', // 5: unknown college
      '戊,handler,dormitory,*,D区', // 6: unknown campus
      '己,teacher,,,', // 7: unknown role
    ].join('\n');
    const bad = await badRows(importStaff(em(), db.wf, csv, 'staff.csv'));
    expect(bad.map((b) => b.line)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(bad[0]!.reason).toBe('a handler names a step');
    expect(bad[3]!.reason).toBe('unknown college "不存在学院" (colleges come from the students file)');
    expect(await count('assignment')).toBe(0);
  });

  it('applies a roster, then a changed roster as a diff', async () => {
    expect(await importStaff(em(), db.wf, STAFF_CSV, 'staff.csv')).toMatchObject({ people: 15, added: 15, removed: 0 });
    const changed = STAFF_CSV.replace(
      '图书馆员,handler,library,*,,library',
      '新馆员,handler,library,*,,library2',
    ).concat('\n图书馆员,handler,hospital,*,,library');
    expect(await importStaff(em(), db.wf, changed, 'staff-2.csv', { replace: true })).toMatchObject({
      added: 2,
      removed: 1,
      unchanged: 14,
    });
    const lib = await db.sql(
      `select p.name, a.step_key, a.ended_at is null as active from assignment a join person p on p.id = a.person_id where p.wecom_userid = 'library' order by a.id`,
    );
    expect(lib).toEqual([
      { name: '图书馆员', step_key: 'library', active: false },
      { name: '图书馆员', step_key: 'hospital', active: true },
    ]);
  });
});
