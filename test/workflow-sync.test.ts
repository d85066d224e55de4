// A step added to the workflow mid-season: the final gate waits for it, `lixiao workflow sync` creates its rows
// (saying first what), and neither the sync nor a re-import re-opens a student whose 研工办 has passed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDb, type TestDb } from './support/db.ts';
import { seedSeason, studentNo, studentsCsv } from './support/season.ts';
import { decide } from '../src/decisions/decide.ts';
import { loadWorkflow } from '../src/workflow/load.ts';
import type { Workflow } from '../src/workflow/schema.ts';
import { importStudents } from '../src/imports/students.ts';
import { pendingFor } from '../src/reports/pending-for.ts';

let db: TestDb;
let wf2: Workflow;
let wf2Path: string;
const em = () => db.orm.em.fork();
const admin = { kind: 'admin' as const, label: 'setup' };
const pass = (wf: Workflow, step: string, no: string) =>
  decide(em(), wf, { actor: admin, stepKey: step, decision: 'pass', source: 'admin', items: [{ studentNo: no }] });
const thesisRows = async () =>
  (
    await db.sql<{ student_no: string; status: string }>(
      `select s.student_no, c.status from clearance c join student s on s.id = c.student_id where c.step_key = 'thesis' order by 1`,
    )
  ).map((r) => `${r.student_no}:${r.status}`);

function lixiao(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'node',
      ['bin/lixiao.js', ...args],
      { env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'warn', LIXIAO_WORKFLOW: wf2Path } },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 4);
  // Student 0 has finished (研工办 passed); student 1 has every step but 研工办.
  for (const s of db.wf.steps) await pass(db.wf, s.key, studentNo(0));
  for (const s of db.wf.steps.filter((s) => s.key !== 'grad_office')) await pass(db.wf, s.key, studentNo(1));
  // The same workflow with a step added before 研工办, which now waits for it too.
  const preset = JSON.parse(readFileSync(new URL('../src/workflow/cqu-graduate.json', import.meta.url), 'utf8'));
  const hospital = preset.steps.find((s: { key: string }) => s.key === 'hospital');
  const final = preset.steps.at(-1);
  preset.steps.splice(-1, 0, { ...hospital, key: 'thesis', name: '论文归档', office: '图书馆论文室' });
  final.requires = [...final.requires, 'thesis'];
  wf2Path = join(mkdtempSync(join(tmpdir(), 'lixiao-wf-')), 'workflow.json');
  writeFileSync(wf2Path, JSON.stringify(preset));
  wf2 = loadWorkflow(wf2Path);
});
afterAll(() => db.close());

describe('a step added to the workflow mid-season', () => {
  it('keeps the final gate closed: a required step with no row is open, not satisfied', async () => {
    const [r] = await pass(wf2, 'grad_office', studentNo(1));
    expect(r).toMatchObject({ outcome: 'gate_closed', status: 'pending', openSteps: ['thesis'] });
    expect(r!.error).toBe('研究生院研工办 waits for: 论文归档');
    // nor does 研工办's 待办 list the student as ready (under the old workflow it would)
    const office = [{ role: 'handler' as const, stepKey: 'grad_office', collegeId: null, campus: null }];
    expect((await pendingFor(em(), db.wf, office, 1, 20)).items.map((i) => i.studentNo)).toEqual([studentNo(1)]);
    expect((await pendingFor(em(), wf2, office, 1, 20)).items).toEqual([]);
  });

  it('workflow sync says what it will create and changes nothing; --yes creates it; a finished student is held back', async () => {
    const dry = await lixiao('workflow', 'sync');
    expect(dry.stderr).toBe('');
    expect(dry).toMatchObject({ code: 0 });
    expect(dry.stdout.split('\n')).toEqual([
      'thesis (论文归档): 3 pending, 0 not applicable to create',
      `held back ${studentNo(0)} thesis: 研究生院研工办 has passed, so the student is not re-opened (revoke grad_office first to require it)`,
      'dry run: nothing changed; run `lixiao workflow sync --yes` to create these rows',
      '',
    ]);
    expect(await thesisRows()).toEqual([]);

    const yes = await lixiao('workflow', 'sync', '--yes');
    expect(yes.code).toBe(0);
    expect(yes.stdout).toContain('thesis (论文归档): 3 pending, 0 not applicable created');
    expect(yes.stdout).toContain(`held back ${studentNo(0)} thesis`);
    expect(await thesisRows()).toEqual([1, 2, 3].map((i) => `${studentNo(i)}:pending`));
    const [gate] = await db.sql<{ status: string }>(
      `select c.status from clearance c join student s on s.id = c.student_id where s.student_no = $1 and c.step_key = 'grad_office'`,
      [studentNo(0)],
    );
    expect(gate!.status).toBe('passed');
    const audit = await db.sql<{ outcome: string }>(
      `select outcome from audit_event where action = 'workflow.sync' order by id`,
    );
    expect(audit.map((a) => a.outcome)).toEqual(['applied', 'held_back']);
    // and now the gate opens once the new step has passed
    await pass(wf2, 'thesis', studentNo(1));
    expect((await pass(wf2, 'grad_office', studentNo(1)))[0]).toMatchObject({ outcome: 'applied' });
    expect((await lixiao('workflow', 'sync')).stdout).toContain(`held back ${studentNo(0)} thesis`);
  }, 120_000); // three runs of the command line

  it('a re-import creates no pending row under a passed 研工办, and says which it left out', async () => {
    const csv = studentsCsv(5).split('\n');
    const s = await importStudents(em(), wf2, [csv[0], csv[1], csv[5], ''].join('\n'), 'again.csv');
    expect(s.heldBack).toEqual([{ studentNo: studentNo(0), stepKey: 'thesis', passedStep: 'grad_office' }]);
    expect(await thesisRows()).toEqual([`${studentNo(1)}:passed`, ...[2, 3, 4].map((i) => `${studentNo(i)}:pending`)]);
  });
});
