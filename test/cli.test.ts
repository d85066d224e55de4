import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDb, type TestDb } from './support/db.ts';
import { STAFF_CSV, studentNo, studentsCsv } from './support/season.ts';

let db: TestDb;
const dir = mkdtempSync(join(tmpdir(), 'lixiao-cli-'));
const file = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
};

function lixiao(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'node',
      ['bin/lixiao.js', ...args],
      { env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'warn' } },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  db = await freshDb();
});
afterAll(() => db.close());

// Each command is a process of its own (tsx compiles on start): seconds apiece on a loaded machine, so the deadline is wide.
describe('npx lixiao', { timeout: 180_000 }, () => {
  it('imports students and staff, then reports each student as JSON on stdout alone', async () => {
    const s = await lixiao('import', 'students', '--season', '2026届', file('students.csv', studentsCsv(12)));
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(
      /^students\.csv: 12 students \(12 new, 0 updated\) in season 2026届\nbatch \d+: \d+ rows changed; to undo: lixiao undo \d+\n$/,
    );
    expect((await lixiao('import', 'staff', file('staff.csv', STAFF_CSV))).code).toBe(0);
    const list = await lixiao(
      'import',
      'list',
      '--step',
      'finance',
      '--mode',
      'block',
      file('arrears.csv', `student_no,reason,amount\n${studentNo(1)},学费欠费,100\n`),
    );
    expect(list.stdout).toMatch(/^arrears\.csv: 1 listed, 1 held pending, 11 others passed\nbatch \d+: /);
    const st = await lixiao('status', studentNo(1), '--json');
    expect(st.code).toBe(0);
    const json = JSON.parse(st.stdout);
    expect(Object.keys(json)).toEqual(['student_no', 'name', 'college', 'campus', 'exit_type', 'deadline', 'steps']);
    expect(json).toMatchObject({
      student_no: studentNo(1),
      name: '学生1',
      college: '机械与运载工程学院',
      campus: 'B区',
      exit_type: '毕业',
      deadline: '2027-06-30',
    });
    expect(json.steps).toHaveLength(12);
    expect(json.steps[0]).toMatchObject({ key: 'supervisor', name: '导师', status: 'not_applicable' });
    expect(Object.keys(json.steps[0])).toEqual([
      'key',
      'name',
      'status',
      'decided_by',
      'decided_at',
      'source',
      'reason',
    ]);
    expect(json.steps.find((x: { key: string }) => x.key === 'finance')).toMatchObject({
      status: 'pending',
      reason: '学费欠费',
      source: null,
    });
    const passed = JSON.parse((await lixiao('status', studentNo(0), '--json')).stdout).steps.find(
      (x: { key: string }) => x.key === 'finance',
    );
    expect(passed).toMatchObject({ status: 'passed', source: 'rule', decided_by: '财务处（名单外自动通过）' });
    expect(passed.decided_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('an import with bad rows exits 1, lists every bad row and changes nothing', async () => {
    const r = await lixiao(
      'import',
      'students',
      file('bad.csv', 'student_no,name,college,campus\n2099001,甲,计算机学院,火星\n2099002,,计算机学院,A区\n'),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'lixiao: bad.csv: 2 bad rows, nothing imported\n  line 2: campus must be one of A区, B区, 虎溪\n  line 3: name is empty\n',
    );
    expect(await db.sql(`select 1 from student where student_no like '2099%'`)).toEqual([]);
  });

  it('a GBK file is refused with a hint', async () => {
    writeFileSync(
      join(dir, 'gbk.csv'),
      Buffer.from([0x73, 0x74, 0x75, 0x64, 0x65, 0x6e, 0x74, 0x5f, 0x6e, 0x6f, 0x0a, 0xd1, 0xa7, 0xc9, 0xfa]),
    );
    const r = await lixiao('import', 'students', join(dir, 'gbk.csv'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/gbk\.csv is not UTF-8 text/);
  });

  it('an unknown student exits 1 with one line; a wrong command exits 2 with usage', async () => {
    expect(await lixiao('status', '0000000')).toMatchObject({
      code: 1,
      stderr: 'lixiao: no student with number 0000000\n',
    });
    const u = await lixiao('frobnicate');
    expect(u.code).toBe(2);
    expect(u.stderr).toMatch(/unknown command "frobnicate"\nusage: lixiao <command>/);
    expect((await lixiao('import', 'list', '--step', 'finance', 'x.csv')).code).toBe(2);
  });

  it('reports progress as CSV and runs a job once per slot', async () => {
    const r = await lixiao('report', '--format', 'csv', '--college', '计算机学院');
    expect(r.stdout.split('\n')[0]).toBe('college,step,step_name,pending,passed,returned,not_applicable');
    expect(r.stdout).toContain('计算机学院,finance,财务处,0,4,0,0');
    const first = await lixiao('job', 'run', 'cleanup');
    expect(first.stdout).toMatch(/^cleanup ran for slot \d{4}-\d{2}-\d{2}/);
    const second = await lixiao('job', 'run', 'cleanup');
    expect(second.stdout).toMatch(/^cleanup slot \d{4}-\d{2}-\d{2} was already run by cli@/);
  });

  it('admin decisions are audited and show up in a spot check with who and from where', async () => {
    const d = await lixiao('decide', 'pass', '--step', 'library', studentNo(0), studentNo(1));
    expect(d.code).toBe(0);
    const gate = await lixiao('decide', 'pass', '--step', 'grad_office', studentNo(0));
    expect(gate.code).toBe(1);
    expect(gate.stdout).toContain('研究生院研工办 waits for:');
    const sc = await lixiao('spotcheck', '--step', 'library', '--format', 'json');
    const rows = JSON.parse(sc.stdout);
    expect(rows.map((r: { student_no: string }) => r.student_no).sort()).toEqual([studentNo(0), studentNo(1)]);
    expect(rows[0]).toMatchObject({ action: 'pass', as_role: 'admin', source: 'admin', from_where: 'cli' });
    expect(rows[0].by).toMatch(/^cli:/);
  });

  it('purges a season only when asked to include its open students, then reports it as kept', async () => {
    const refused = await lixiao('purge', '--season', '2026届');
    expect(refused).toMatchObject({
      code: 1,
      stdout: '',
      stderr: 'lixiao: season 2026届 still has 12 students with steps open; purge them too with --include-open\n',
    });
    const before = await lixiao('report', '--season', '2026届', '--format', 'csv');
    const purged = await lixiao('purge', '--season', '2026届', '--include-open');
    expect(purged.code).toBe(0);
    expect(purged.stdout).toMatch(
      /^season 2026届 purged: 12 students \(12 with steps still open\), 144 clearances, 12 people/,
    );
    expect(await lixiao('report', '--season', '2026届', '--format', 'csv')).toMatchObject({
      code: 0,
      stdout: before.stdout,
    });
    expect((await lixiao('status', studentNo(1))).code).toBe(1);
    expect((await lixiao('purge')).code).toBe(2);
  });
});
