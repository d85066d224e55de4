// The per-row judgement of a decision, as a table: each refusal with its answer and audit line, and what is written.
import { describe, expect, it } from 'vitest';
import { judgeRow, type RowJudgement } from '../src/decisions/judge-row.ts';
import { loadWorkflow, stepOf } from '../src/workflow/load.ts';
import type { TargetRow } from '../src/decisions/read-targets.ts';
import type { AssignmentScope } from '../src/decisions/authorize.ts';
import type { CoveredScope } from '../src/decisions/types.ts';

const wf = loadWorkflow();
const library: AssignmentScope = { role: 'handler', stepKey: 'library', collegeId: null, campus: null };
const row = (over: Partial<TargetRow> = {}): TargetRow => ({
  ord: 0,
  student_id: 7,
  college_id: 1,
  campus: 'A区',
  supervisor_id: null,
  clearance_id: 70,
  status: 'pending',
  version: 3,
  decided_by_label: null,
  decided_at: null,
  reason: null,
  open_required: [],
  passed_dependents: [],
  ...over,
});
const judge = (over: Partial<RowJudgement> = {}) =>
  judgeRow({
    wf,
    step: stepOf(wf, 'library')!,
    decision: 'pass',
    actor: { kind: 'person', personId: 1, name: '图书馆员' },
    assignments: [library],
    standIns: [],
    row: row(),
    item: { studentNo: '202100007' },
    duplicate: false,
    ...over,
  });
const refusal = (v: ReturnType<typeof judgeRow>) =>
  v.kind === 'refuse' ? [v.result.outcome, v.audit.outcome, v.audit.detail.why] : ['write'];

describe('judgeRow', () => {
  it.each([
    [
      'an unknown number',
      { row: row({ student_id: null, clearance_id: null }) },
      ['unknown_student', 'unknown_student', 'unknown_student'],
    ],
    ['the same student twice', { duplicate: true }, ['invalid', 'invalid', 'invalid']],
    ['a return without a reason', { decision: 'return' as const }, ['invalid', 'invalid', 'invalid']],
    [
      'a reason over 500 characters',
      { decision: 'return' as const, item: { studentNo: 'x', reason: 'x'.repeat(501) } },
      ['invalid', 'invalid', 'invalid'],
    ],
    [
      'a step that does not apply',
      { row: row({ status: 'not_applicable' }) },
      ['not_applicable', 'not_applicable', 'not_applicable'],
    ],
    ['someone who does not hold the step', { assignments: [] }, ['denied', 'denied', 'not_assigned']],
    [
      'a step 研工办 has passed above',
      {
        decision: 'revoke' as const,
        actor: { kind: 'admin' as const, label: 'admin' },
        row: row({ status: 'passed', passed_dependents: ['grad_office'] }),
      },
      ['invalid', 'invalid', 'invalid'],
    ],
    [
      'a row already passed',
      { row: row({ status: 'passed' }) },
      ['already_decided', 'already_decided', 'already_decided'],
    ],
    [
      'a pass meeting a return without intent',
      { row: row({ status: 'returned', reason: '图书未还', decided_by_label: '图书馆员乙' }) },
      ['conflict', 'conflict', 'conflict'],
    ],
    ['a gate still closed', { row: row({ open_required: ['finance'] }) }, ['gate_closed', 'denied', 'gate_closed']],
    ['a pass that may go', {}, ['write']],
    [
      'a pass over a return, meant',
      { row: row({ status: 'returned' }), item: { studentNo: 'x', overReturn: true } },
      ['write'],
    ],
  ])('%s', (_, over, expected) => {
    expect(refusal(judge(over as Partial<RowJudgement>))).toEqual(expected);
  });

  it('says who returned a row a pass met, and which steps a closed gate waits for, by name', () => {
    const met = judge({ row: row({ status: 'returned', reason: '图书未还', decided_by_label: '图书馆员乙' }) });
    expect(met.kind === 'refuse' && met.result.error).toMatch(/returned by 图书馆员乙 .*: 图书未还/);
    const gate = judge({
      step: stepOf(wf, 'grad_office')!,
      assignments: [{ ...library, stepKey: 'grad_office' }],
      row: row({ open_required: ['finance', 'library'] }),
    });
    expect(gate.kind === 'refuse' && gate.result.openSteps).toEqual(['finance', 'library']);
    expect(gate.kind === 'refuse' && gate.audit.detail.open_steps).toEqual(['finance', 'library']);
  });

  it('own assignments first; a stand-in’s cover only where their own grant nothing, and it is named', () => {
    const cover: CoveredScope = {
      delegationId: 9,
      personId: 2,
      name: '张三',
      kind: 'stand_in',
      assignments: [library],
    };
    const own = judge({ standIns: [cover] });
    expect(own.kind === 'write' && own.covered).toBeNull();
    const through = judge({ assignments: [], standIns: [cover] });
    expect(through.kind === 'write' && through.covered?.name).toBe('张三');
    expect(refusal(judge({ assignments: [], standIns: [{ ...cover, assignments: [] }] }))).toEqual([
      'denied',
      'denied',
      'not_assigned',
    ]);
  });

  it('keeps a trimmed reason, and an empty one as none', () => {
    const v = judge({ decision: 'return', item: { studentNo: 'x', reason: '  图书未还  ' } });
    expect(v.kind === 'write' && v.reason).toBe('图书未还');
    expect(refusal(judge({ decision: 'return', item: { studentNo: 'x', reason: '   ' } }))).toEqual([
      'invalid',
      'invalid',
      'invalid',
    ]);
  });
});
