// One row of a decision judged before anything is written: refused (with the answer and the audit line), or to write.
import type { ClearanceStatus } from '../entities/clearance.ts';
import type { StepDef, Workflow } from '../workflow/schema.ts';
import { authorize, type AssignmentScope, type GrantedRole } from './authorize.ts';
import type { Actor, CoveredScope, Decision, DecisionItem, RowResult } from './types.ts';
import type { TargetRow } from './read-targets.ts';

export const MAX_REASON = 500;

/** The states a decision may start from, and the state it leaves. */
export const TRANSITIONS: Record<Decision, { from: ClearanceStatus[]; to: ClearanceStatus }> = {
  pass: { from: ['pending', 'returned'], to: 'passed' },
  return: { from: ['pending'], to: 'returned' },
  revoke: { from: ['passed', 'returned'], to: 'pending' },
};

export const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

export interface RowJudgement {
  wf: Workflow;
  step: StepDef;
  decision: Decision;
  actor: Actor;
  /** the actor's own scopes, then those of whom they stand in for (tried only when their own grant nothing) */
  assignments: AssignmentScope[];
  standIns: CoveredScope[];
  row: TargetRow;
  item: DecisionItem;
  /** the same clearance came earlier in this request */
  duplicate: boolean;
}

export type Verdict =
  | {
      kind: 'refuse';
      /** what the caller is told about the row */
      result: Partial<RowResult> & Pick<RowResult, 'outcome'>;
      /** the audit line of the refusal (its detail, besides the request's own) */
      audit: { outcome: string; detail: Record<string, unknown> };
    }
  | {
      kind: 'write';
      role: GrantedRole;
      /** whom the row is decided for, when only a stand-in's cover grants it */
      covered: CoveredScope | null;
      reason: string | null;
      overReturn: boolean;
    };

/** A pass without intent meeting a return: who returned it, when and why, and how to pass over it. */
export function conflictOf(by: string | null, at: Date | null, reason: string | null): Partial<RowResult> {
  return {
    outcome: 'conflict',
    reason,
    error: `returned by ${by ?? 'someone'} at ${iso(at) ?? 'an unknown time'}${reason ? `: ${reason}` : ''}; to pass over the return, say so (over_return)`,
  };
}

const refuse = (
  result: Partial<RowResult> & Pick<RowResult, 'outcome'>,
  detail: Record<string, unknown> = {},
  outcome: string = result.outcome,
): Verdict => ({ kind: 'refuse', result, audit: { outcome, detail: { why: result.outcome, ...detail } } });

/**
 * The checks, in order: a known student, once in the request, a reason where one is needed and not too long, a step
 * that applies, someone who holds it (themselves, or through whom they stand in for), no passed step above it, a
 * state it may leave, intent to pass over a return, and a gate that is open. Pure: the same row judged twice gets the
 * same verdict.
 */
export function judgeRow(j: RowJudgement): Verdict {
  const { row: t, item: it, step } = j;
  const reason = it.reason?.trim() || null;
  if (t.student_id === null || t.clearance_id === null)
    return refuse(
      { outcome: 'unknown_student', error: `no student with number ${it.studentNo}` },
      t.student_id === null ? { student_no: it.studentNo } : {},
    );
  const current = {
    clearanceId: t.clearance_id,
    status: t.status,
    version: t.version,
    decidedBy: t.decided_by_label,
    decidedAt: iso(t.decided_at),
  };
  const invalid = (error: string, detail: Record<string, unknown> = {}) =>
    refuse({ ...current, outcome: 'invalid', error }, { error, ...detail });
  if (j.duplicate) return invalid(`student ${it.studentNo} appears twice in this request`);
  if (j.decision === 'return' && !reason) return invalid('a return needs a reason');
  if (reason && reason.length > MAX_REASON) return invalid(`the reason is longer than ${MAX_REASON} characters`);
  if (t.status === 'not_applicable')
    return refuse({ ...current, outcome: 'not_applicable', error: `${step.name} does not apply to this student` });

  const target = { collegeId: t.college_id, campus: t.campus, supervisorId: t.supervisor_id };
  // Own assignments first: a row one holds oneself is signed with one's own name even while standing in.
  let role = authorize(j.actor, j.assignments, step, target, j.decision);
  let covered: CoveredScope | null = null;
  for (const c of role ? [] : j.standIns) {
    role = authorize(j.actor, c.assignments, step, target, j.decision);
    if (role) {
      covered = c;
      break;
    }
  }
  if (!role) {
    const who = j.actor.kind === 'person' ? j.actor.name : j.actor.label;
    return refuse(
      { ...current, outcome: 'denied', error: `${who} does not hold ${step.name} for this student` },
      { why: 'not_assigned' },
    );
  }
  if (t.passed_dependents.length) {
    const names = j.wf.steps.filter((d) => t.passed_dependents.includes(d.key)).map((d) => d.name);
    return refuse(
      {
        ...current,
        outcome: 'invalid',
        error: `${names.join('、')}已通过：请先撤销${names.join('、')}`,
        blockedBy: t.passed_dependents,
      },
      { error: `${names.join('、')}已通过：请先撤销${names.join('、')}`, passed_dependents: t.passed_dependents },
    );
  }
  if (!TRANSITIONS[j.decision].from.includes(t.status))
    return refuse({ ...current, outcome: 'already_decided' }, { status: t.status, version: t.version });
  const overReturn = it.overReturn === true || it.expectedVersion !== undefined;
  if (j.decision === 'pass' && t.status === 'returned' && !overReturn)
    return refuse(
      { ...current, ...conflictOf(t.decided_by_label, t.decided_at, t.reason), outcome: 'conflict' },
      { status: t.status, version: t.version },
    );
  if (t.open_required.length) {
    const open = j.wf.steps.filter((s) => t.open_required.includes(s.key));
    return refuse(
      {
        ...current,
        outcome: 'gate_closed',
        openSteps: open.map((s) => s.key),
        error: `${step.name} waits for: ${open.map((s) => s.name).join(', ')}`,
      },
      { why: 'gate_closed', open_steps: t.open_required },
      'denied',
    );
  }
  return { kind: 'write', role, covered, reason, overReturn };
}
