// An administrator's first week through the real command line: a wrong staff file, a wrong block list, a college typo,
// and the undo of each, leaving the season exactly as it was.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { seedSeason, studentNo } from './support/season.ts';
import { cliRunner } from './support/cli.ts';

let db: TestDb;
const cli = cliRunner(() => db.url);

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 12);
});
afterAll(() => db.close());

/** Everything an undo must put back: each student's steps, the active assignments, students and colleges. */
async function season() {
  return {
    clearances: await db.sql(
      `select s.student_no, c.step_key, c.status, c.reason, c.amount, c.decided_by_id, c.decided_by_label, c.decided_at, c.source
         from clearance c join student s on s.id = c.student_id order by s.student_no, c.step_key`,
    ),
    assignments: await db.sql(
      `select a.id, p.name, a.role, a.step_key, a.college_id, a.campus from assignment a join person p on p.id = a.person_id
        where a.ended_at is null order by a.id`,
    ),
    students: await db.sql(
      'select student_no, name, college_id, campus, degree, exit_type, deadline, season_id from student order by student_no',
    ),
    colleges: await db.sql('select id, name from college order by id'),
  };
}
const activeAssignments = async () =>
  Number((await db.sql<{ n: string }>('select count(*) as n from assignment where ended_at is null'))[0]!.n);
const batchOf = (stdout: string) => Number(/batch (\d+): /.exec(stdout)![1]);

describe('preview, apply, undo at the command line', { timeout: 180_000 }, () => {
  it('a wrong staff file, a wrong block list and a college typo are all undone or refused; the season is as before', async () => {
    const before = await season();
    const staffBefore = await activeAssignments();
    const one = cli.file('one.csv', '姓名,角色,环节,邮箱\n新馆员,经办人,图书馆,new@lib.example\n');

    // Without a terminal a staff file adds: one row adds one assignment and ends none.
    const added = await cli.run('import', 'staff', one);
    expect(added.stdout).toMatch(/^one\.csv: 1 people; 1 assignments added, 0 removed, 0 unchanged\nbatch \d+: /);
    expect(await activeAssignments()).toBe(staffBefore + 1);

    // --replace previews by name every assignment it would end; --dry-run changes nothing and exits 0.
    const dry = await cli.run('import', 'staff', '--replace', '--dry-run', one);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain(`assignments ENDED: ${staffBefore}`);
    expect(dry.stdout).toMatch(/研工办 {2}handler 研究生院研工办 \(grad_office\)/);
    expect(dry.stdout).toContain('校管  school_admin');
    expect(await activeAssignments()).toBe(staffBefore + 1);
    const replaced = await cli.run('import', 'staff', '--replace', one);
    expect(replaced.stdout).toContain(`0 assignments added, ${staffBefore} removed, 1 unchanged`);
    expect(await activeAssignments()).toBe(1);

    // A one-row block list aimed at the wrong step: the preview names the step in Chinese, what it passes, and the
    // reason that reads like the library's.
    const wrong = cli.file('wrong.csv', `学号,原因\n${studentNo(2)},图书逾期未还\n`);
    const preview = await cli.run('import', 'list', '--step', 'hospital', '--mode', 'block', '--dry-run', wrong);
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain(
      '校医院 (hospital) block list: 11 students will PASS 校医院; 1 listed stay pending',
    );
    expect(preview.stdout).toContain(
      `warning: ${studentNo(2)}'s reason "图书逾期未还" reads like 图书馆's, not 校医院's`,
    );
    expect(preview.stdout).toContain('校医院 (hospital): 待办理 → 已通过: 11');
    const list = await cli.run('import', 'list', '--step', 'hospital', '--mode', 'block', wrong);
    expect(list.stdout).toMatch(/^wrong\.csv: 1 listed, 1 held pending, 11 others passed\n/);

    // A college typo into a season that has students: refused, nothing changed, the near miss suggested.
    const typo = cli.file('typo.csv', `student_no,name,college\n2099001,新同学,计算机科学学院\n`);
    const refused = await cli.run('import', 'students', typo);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('college 计算机科学学院 is not in this season (did you mean 计算机学院?)');
    expect(await db.sql(`select 1 from college where name = '计算机科学学院'`)).toEqual([]);
    expect(await db.sql(`select 1 from student where student_no = '2099001'`)).toEqual([]);

    // batches --json: newest first, exactly these keys.
    const batches = JSON.parse((await cli.run('batches', '--json')).stdout);
    expect(batches.map((b: { kind: string }) => b.kind)).toEqual(['list.block', 'import.staff', 'import.staff']);
    expect(Object.keys(batches[0])).toEqual(['id', 'kind', 'at', 'by', 'count']);
    expect(batches[0]).toMatchObject({ id: batchOf(list.stdout), count: 12, by: expect.stringMatching(/^cli:/) });
    expect(batches[1].count).toBe(staffBefore);
    expect(batches[0].at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);

    // Undo each, newest first; after the list's undo the students it passed are pending again on 校医院.
    const undoList = await cli.run('undo', String(batches[0].id), '--yes');
    expect(undoList.stdout).toContain(`batch ${batches[0].id} undone: 12 rows restored, 0 left as they are`);
    expect(await db.sql(`select distinct status, reason from clearance where step_key = 'hospital'`)).toEqual([
      { status: 'pending', reason: null },
    ]);
    expect((await cli.run('undo', String(batches[1].id), '--yes')).code).toBe(0);
    expect(await activeAssignments()).toBe(staffBefore + 1);
    expect((await cli.run('undo', String(batches[2].id), '--yes')).code).toBe(0);
    expect(await season()).toEqual(before);

    // An undone batch is not undone twice; the listing says which undo reverted it.
    const again = await cli.run('undo', String(batches[0].id), '--yes');
    expect(again).toMatchObject({
      code: 1,
      stderr: `lixiao: batch ${batches[0].id} was already undone by batch ${batchOf(undoList.stdout)}\n`,
    });
    expect((await cli.run('batches')).stdout).toMatch(
      new RegExp(`^${batches[0].id} .* list\\.block +12 +undone by ${batchOf(undoList.stdout)}$`, 'm'),
    );
  });

  it('an undo leaves the rows decided since, and says which and why', async () => {
    const list = await cli.run(
      'import',
      'list',
      '--step',
      'library',
      '--mode',
      'block',
      cli.file('books.csv', `student_no,reason\n${studentNo(1)},图书未还\n`),
    );
    // Since the list, the library's decision on one passed student was revoked and it was returned by hand.
    expect((await cli.run('decide', 'revoke', '--step', 'library', studentNo(3))).code).toBe(0);
    expect((await cli.run('decide', 'return', '--step', 'library', '--reason', '污损', studentNo(3))).code).toBe(0);
    const undo = await cli.run('undo', String(batchOf(list.stdout)), '--yes');
    expect(undo.stdout).toContain('11 rows restored, 1 left as they are');
    expect(undo.stdout).toContain(`图书馆 ${studentNo(3)}: changed since (now returned by cli:`);
    expect(
      await db.sql(
        `select status, count(*)::int as n from clearance where step_key = 'library' group by status order by status`,
      ),
    ).toEqual([
      { status: 'pending', n: 11 },
      { status: 'returned', n: 1 },
    ]);
  });

  it('undoes a student import: new students go, updated ones get their values back; a bulk decision too', async () => {
    const before = await season();
    const file = cli.file(
      'more.csv',
      `学号,姓名,学院,校区,学位,离校类型,截止日期\n${studentNo(0)},改名,计算机学院,A区,硕士,结业,2027-06-30\n2099100,新人,计算机学院,B区,博士,毕业,2027-07-01\n`,
    );
    const dry = await cli.run('import', 'students', '--dry-run', file);
    expect(dry.stdout).toContain('students added: 1\n      2099100 新人  计算机学院');
    expect(dry.stdout).toContain(`students updated: 1\n      ${studentNo(0)} 改名: name, exit_type`);
    const applied = await cli.run('import', 'students', file);
    expect(applied.code).toBe(0);
    expect((await cli.run('status', '2099100')).code).toBe(0);
    const undo = await cli.run('undo', String(batchOf(applied.stdout)), '--yes');
    expect(undo.stdout).toContain('0 left as they are');
    expect(await season()).toEqual(before);
    expect((await cli.run('status', '2099100')).code).toBe(1);

    const decided = await cli.run('decide', 'pass', '--step', 'dormitory', studentNo(4), studentNo(5));
    expect(decided.stdout).toContain('pass on 学生公寓管理中心: 2 of 2 decided');
    expect((await cli.run('undo', String(batchOf(decided.stdout)), '--yes')).code).toBe(0);
    expect(await season()).toEqual(before);
  });

  it('on a terminal it previews and asks: no changes nothing, yes applies', async () => {
    const file = cli.file('party.csv', `student_no\n${studentNo(6)}\n`);
    const no = await cli.tty('n', 'import', 'list', '--step', 'party', '--mode', 'pass', file);
    expect(no.output).toContain('preview of import list --step party --mode pass party.csv:');
    expect(no.output).toContain('学院党委/党总支 (party) pass list: 1 students will PASS 学院党委/党总支');
    expect(no.output).toContain('apply these changes? [y/N]');
    expect(no.output).toContain('lixiao: not applied; nothing changed');
    expect(no.code).toBe(1);
    const party = `select c.status from clearance c join student s on s.id = c.student_id where s.student_no = '${studentNo(6)}' and c.step_key = 'party'`;
    expect(await db.sql(party)).toEqual([{ status: 'pending' }]);
    const yes = await cli.tty('y', 'import', 'list', '--step', 'party', '--mode', 'pass', file);
    expect(yes.code).toBe(0);
    expect(yes.output).toMatch(/party\.csv: 1 listed, 1 passed\nbatch \d+: 1 rows changed; to undo: lixiao undo \d+/);
    expect(await db.sql(party)).toEqual([{ status: 'passed' }]);
  });
});
