// Who may decide what: a pure rule over a person's active assignments and the student's scope.
import type { Role } from '../entities/assignment.ts';
import type { StepDef } from '../workflow/schema.ts';
import type { Actor, Decision } from './types.ts';

export interface AssignmentScope {
  role: Role;
  stepKey: string | null;
  collegeId: number | null;
  campus: string | null;
}

export interface Target {
  collegeId: number;
  campus: string | null;
}

export type GrantedRole = Role | 'api' | 'admin';

function covers(a: AssignmentScope, t: Target): boolean {
  return (a.collegeId === null || a.collegeId === t.collegeId) && (a.campus === null || a.campus === t.campus);
}

/** The role under which `actor` may take `decision` on `step` for a student in `target`, or null. */
export function authorize(
  actor: Actor,
  assignments: AssignmentScope[],
  step: StepDef,
  target: Target,
  decision: Decision,
): GrantedRole | null {
  if (actor.kind === 'admin') return 'admin';
  if (actor.kind === 'api') return actor.stepKey === step.key && decision !== 'revoke' ? 'api' : null;
  if (decision === 'revoke') {
    if (assignments.some((a) => a.role === 'school_admin')) return 'school_admin';
    const collegeAdmin = assignments.some((a) => a.role === 'college_admin' && a.collegeId === target.collegeId);
    return collegeAdmin && step.scope === 'college' ? 'college_admin' : null;
  }
  if (assignments.some((a) => a.role === 'handler' && a.stepKey === step.key && covers(a, target))) return 'handler';
  if (assignments.some((a) => a.role === 'school_admin')) return 'school_admin';
  return null;
}
