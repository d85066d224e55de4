// The files people have (Chinese headers, .xlsx) and the command line's help and messages, through the real CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { freshDb, type TestDb } from './support/db.ts';
import { seedSeason, studentNo } from './support/season.ts';
import { cliRunner } from './support/cli.ts';

let db: TestDb;
const cli = cliRunner(() => db.url, { LIXIAO_TIMEZONE: 'America/New_York' });

async function xlsx(rows: unknown[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.addWorksheet('学生').addRows(rows);
  wb.addWorksheet('ignored').addRow(['student_no']);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 6);
});
afterAll(() => db.close());

describe('files and help', { timeout: 120_000 }, () => {
  it('reads the first sheet of an .xlsx with Chinese headers, numbers and dates; bad rows by sheet row', async () => {
    const bad = cli.file(
      'bad.xlsx',
      await xlsx([
        ['学号', '姓名', '学院', '校区', '截止日期'],
        [2099001, '甲', '计算机学院', 'A区', new Date(Date.UTC(2027, 5, 30))],
        [2099002, '乙', '计算机学院', '火星', null],
      ]),
    );
    const refused = await cli.run('import', 'students', bad);
    expect(refused).toMatchObject({
      code: 1,
      stderr: 'lixiao: bad.xlsx: 1 bad row, nothing imported\n  line 3: campus must be one of A区, B区, 虎溪\n',
    });
    const good = cli.file(
      'good.xlsx',
      await xlsx([
        ['学号', '姓名', '学院', '校区', '截止日期'],
        [2099001, '甲', '计算机学院', 'A区', new Date(Date.UTC(2027, 5, 30))],
      ]),
    );
    expect((await cli.run('import', 'students', good)).code).toBe(0);
    expect(JSON.parse((await cli.run('status', '2099001', '--json')).stdout)).toMatchObject({
      name: '甲',
      campus: 'A区',
      deadline: '2027-06-30',
    });
  });

  it('reads a staff file with Chinese headers, roles and step names', async () => {
    const r = await cli.run(
      'import',
      'staff',
      cli.file('s.csv', '姓名,角色,环节,学院\n新秘书,经办人,学院研究生教务秘书,计算机学院\n'),
    );
    expect(r.stdout).toMatch(/^s\.csv: 1 people; 1 assignments added, 0 removed/);
    expect(
      await db.sql(
        `select a.role, a.step_key from assignment a join person p on p.id = a.person_id where p.name = '新秘书'`,
      ),
    ).toEqual([{ role: 'handler', step_key: 'academic_secretary' }]);
  });

  it('help per command, a missing file, a mistyped mode', async () => {
    const imports = await cli.run('import', '--help');
    expect(imports.code).toBe(0);
    for (const kind of ['import students', 'import staff', 'import list']) expect(imports.stdout).toContain(kind);
    const staff = (await cli.run('import', 'staff', '--help')).stdout;
    expect(staff).toContain('role / 角色');
    expect(staff).toContain('--replace');
    expect(staff).toContain('example:');
    expect((await cli.run('undo', '--help')).stdout).toContain('lixiao undo 42 --dry-run');
    expect(await cli.run('import', 'students', '/nowhere/students.csv')).toMatchObject({
      code: 1,
      stderr: 'lixiao: file not found: /nowhere/students.csv\n',
    });
    const mode = await cli.run(
      'import',
      'list',
      '--step',
      'finance',
      '--mode',
      'blok',
      cli.file('l.csv', 'student_no\n'),
    );
    expect(mode.code).toBe(2);
    expect(mode.stderr).toContain('"blok" is not a mode; use --mode block or --mode pass');
  });

  it('times in LIXIAO_TIMEZONE and headers in words people read; JSON as it was', async () => {
    await cli.run('decide', 'pass', '--step', 'library', studentNo(1));
    const [at] = await db.sql<{ at: Date }>(`select at from batch order by id desc limit 1`);
    const local = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'America/New_York',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .format(at!.at)
      .replace(', ', ' ');
    expect((await cli.run('batches')).stdout).toContain(local);
    const spot = (await cli.run('spotcheck', '--step', 'library')).stdout;
    expect(spot.split('\n')[0]).toMatch(/^时间 +学号 +姓名 +操作 +决定人/);
    expect(spot).toContain(local);
    expect((await cli.run('status', studentNo(1))).stdout).toMatch(/环节 +状态 +决定人 +时间 +原因/);
    expect((await cli.run('status', studentNo(1))).stdout).toContain(local);
    const json = JSON.parse((await cli.run('spotcheck', '--step', 'library', '--format', 'json')).stdout);
    expect(Object.keys(json[0])).toEqual([
      'at',
      'student_no',
      'student',
      'action',
      'by',
      'as_role',
      'source',
      'from_where',
      'reason',
    ]);
    expect(json[0].at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });
});
