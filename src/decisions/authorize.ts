// Who may decide what: a pure rule over a person's active assignments and the student's scope.
import type { Role } from '../entities/assignment.ts';
import type { StepDef } from '../workflow/schema.ts';
import type { Actor, Decision } from './types.ts';

export interface AssignmentScope {
  /** `supervisor`: the students of `supervisorId` on the workflow's supervisor step (src/people/supervising.ts) */
  role: Role | 'supervisor';
  stepKey: string | null;
  collegeId: number | null;
  campus: string | null;
  supervisorId?: number;
  supervisorName?: string;
}

export interface Target {
  collegeId: number;
  campus: string | null;
  /** the student's supervisor (导师), if on file */
  supervisorId?: number | null;
}

export type GrantedRole = Role | 'api' | 'admin' | 'supervisor';

/** The supervision under which `assignments` reach a student of `supervisorId`. */
export function supervisionOf(assignments: AssignmentScope[], supervisorId: number | null | undefined) {
  if (supervisorId === null || supervisorId === undefined) return undefined;
  return assignments.find((a) => a.role === 'supervisor' && a.supervisorId === supervisorId);
}

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
    return collegeAdmin && step.scope !== 'school' ? 'college_admin' : null;
  }
  // A supervisor's step: the student's own supervisor, or whom that supervisor delegates to (never a handler of it).
  if (step.scope === 'supervisor') {
    const s = supervisionOf(assignments, target.supervisorId);
    if (s) return 'supervisor';
    return assignments.some((a) => a.role === 'school_admin') ? 'school_admin' : null;
  }
  if (assignments.some((a) => a.role === 'handler' && a.stepKey === step.key && covers(a, target))) return 'handler';
  if (assignments.some((a) => a.role === 'school_admin')) return 'school_admin';
  return null;
}
