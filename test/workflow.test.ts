import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contactFor, loadWorkflow, stepOf, WorkflowError } from '../src/workflow/load.ts';

const CONTRACT_KEYS = [
  'supervisor',
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
  'grad_office',
];

describe('the built-in CQU graduate preset', () => {
  const wf = loadWorkflow();

  it('has the twelve steps of the contract, in handbook order', () => {
    expect(wf.steps.map((s) => s.key)).toEqual(CONTRACT_KEYS);
    expect(wf.campuses).toEqual(['A区', 'B区', '虎溪']);
  });

  it('makes 研工办 the final gate over every other step but the supervisor, whose paper form the secretary checks', () => {
    expect(stepOf(wf, 'grad_office')!.requires.sort()).toEqual(
      CONTRACT_KEYS.filter((k) => k !== 'grad_office' && k !== 'supervisor').sort(),
    );
    expect(stepOf(wf, 'supervisor')!.scope).toBe('supervisor');
    expect(wf.steps.filter((s) => s.requires.length).map((s) => s.key)).toEqual(['grad_office']);
  });

  it('keeps college steps at college scope and the 一卡通 step API-only', () => {
    expect(wf.steps.filter((s) => s.scope === 'college').map((s) => s.key)).toEqual([
      'academic_secretary',
      'student_work',
      'party',
    ]);
    expect(wf.steps.filter((s) => !s.staff_use_system).map((s) => s.key)).toEqual(['campus_card']);
    expect(stepOf(wf, 'academic_secretary')!.paper_form).toBe('supervisor_confirmation');
  });

  it('gives each campus its own counter, falling back to the default', () => {
    const dorm = stepOf(wf, 'dormitory')!;
    expect(contactFor(dorm, '虎溪')).toEqual({ location: '虎溪校区综合楼DZ106室3号窗口', phones: ['65678441'] });
    expect(contactFor(dorm, 'B区')!.phones).toEqual(['65120639']);
    const card = stepOf(wf, 'campus_card')!;
    expect(contactFor(card, 'B区')!.location).toBe('A区信息化办公室一楼大厅');
    expect(contactFor(card, '虎溪')!.location).toBe('虎溪松园六栋');
    expect(contactFor(stepOf(wf, 'finance')!, null)!.phones).toEqual(['65105869', '65102667']);
  });
});

describe('another university’s workflow file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lixiao-wf-'));

  it('loads from YAML', () => {
    const file = join(dir, 'wf.yaml');
    writeFileSync(
      file,
      `name: 示例大学\ncampuses: [主校区]\nsteps:\n  - key: library\n    name: 图书馆\n    office: 图书馆\n    scope: school\n    duties: [还书]\n  - key: final\n    name: 研究生院\n    office: 研究生院\n    scope: school\n    duties: [注销学生证]\n    requires: [library]\n`,
    );
    const wf = loadWorkflow(file);
    expect(wf.steps.map((s) => s.key)).toEqual(['library', 'final']);
    expect(stepOf(wf, 'library')!.applies_to).toEqual(['毕业', '结业', '肄业', '退学']);
  });

  const problems = (content: unknown): string => {
    const file = join(dir, `bad-${Math.random()}.json`);
    writeFileSync(file, JSON.stringify(content));
    try {
      loadWorkflow(file);
    } catch (e) {
      expect(e).toBeInstanceOf(WorkflowError);
      return (e as Error).message;
    }
    throw new Error('expected the workflow to be refused');
  };
  const step = (over: object) => ({ key: 'a', name: 'A', office: 'A', scope: 'school', duties: ['x'], ...over });

  it('names a malformed field with its path', () => {
    expect(
      problems({
        name: 'x',
        campuses: ['主校区'],
        steps: [step({ scope: 'faculty' }), step({ key: 'B-1', duties: [] })],
      }),
    ).toMatch(/steps\.0\.scope: .*\n.*steps\.1\.key: a step key is lower_snake_case\n.*steps\.1\.duties/);
  });

  it('names dangling references, duplicates and unknown campuses', () => {
    const msg = problems({
      name: 'x',
      campuses: ['主校区'],
      steps: [step({ requires: ['nope'] }), step({ requires: ['a'], contacts: { 北校区: { phones: [] } } })],
    });
    expect(msg).toContain('steps.0.requires: requires unknown step "nope"');
    expect(msg).toContain('steps.1.key: duplicate step key "a"');
    expect(msg).toContain('steps.1.requires: a step cannot require itself');
    expect(msg).toContain('steps.1.contacts.北校区: unknown campus "北校区"');
  });

  it('says when the file is missing or not parseable', () => {
    expect(() => loadWorkflow(join(dir, 'missing.json'))).toThrow(/cannot read workflow file/);
    writeFileSync(join(dir, 'broken.json'), '{');
    expect(() => loadWorkflow(join(dir, 'broken.json'))).toThrow(/not valid JSON/);
  });
});
