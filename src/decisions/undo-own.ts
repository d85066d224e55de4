// A handler's undo (撤销) of their own pass or return: the step is pending again, until the final office has passed.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Workflow } from '../workflow/schema.ts';
import { stepOf } from '../workflow/load.ts';
import type { ClearanceStatus } from '../entities/clearance.ts';
import { prepared } from '../db/prepared.ts';
import { pgTextArray } from '../db/pg-array.ts';
import { insertAudit } from '../audit/insert-audit.ts';
import { authorize, type AssignmentScope } from './authorize.ts';
import { lockStudents } from './lock-students.ts';
import { readCommitted } from '../db/retry.ts';
import { writeDecisions } from './write-decisions.ts';
import type { Via } from './types.ts';

export interface UndoRequest {
  actor: { personId: number; name: string; assignments: AssignmentScope[] };
  clearanceId: number;
  /** the version the card or chat showed after the decision; a decision made on top of it since is left alone */
  expectedVersion?: number;
  via?: Via;
}

export type UndoOutcome =
  /** undone: the step is pending again */
  | 'applied'
  /** no such clearance */
  | 'unknown'
  /** not passed or returned (nothing to undo), or changed since the version given */
  | 'changed'
  /** passed or returned by someone else: only they, or an administrator (revoke), can undo it */
  | 'not_own'
  /** the steps that wait for this one (研工办) have passed, or this is the final office's own pass */
  | 'final_passed'
  /** the person no longer holds the step for this student */
  | 'denied';

export interface UndoResult {
  outcome: UndoOutcome;
  clearanceId: number;
  stepKey?: string;
  studentNo?: string;
  /** the state before the undo (or now, when nothing was undone) */
  status?: ClearanceStatus;
  version?: number;
  decidedBy?: string | null;
  decidedAt?: string | null;
  /** for final_passed: the steps whose pass stands in the way */
  blockedBy?: string[];
}

interface Row {
  student_id: number;
  student_no: string;
  college_id: number;
  campus: string | null;
  step_key: string;
  status: ClearanceStatus;
  version: number;
  decided_by_id: number | null;
  decided_by_label: string | null;
  decided_at: Date | null;
  passed_dependents: string[];
}

/**
 * One transaction: the student's rows are taken first (lockStudents, as every change on either side of the final gate
 * does), so the final office's pass and this undo run one after the other and the undo sees whether it has passed.
 * The write is the decisions' compare-and-set (writeDecisions): audited as `undo`, and its change queued like any
 * decision's, so the student is told and every delivered copy of a card showing the student is redrawn.
 */
export async function undoOwn(em: EntityManager, wf: Workflow, req: UndoRequest): Promise<UndoResult> {
  // READ COMMITTED whatever the role's default, retried on a serialization failure or deadlock, like every decision
  return readCommitted(em, async (t) => {
    const [owner] = await prepared<{ student_id: number; step_key: string }>(
      t,
      'select student_id, step_key from clearance where id = ?',
      [req.clearanceId],
    );
    const step = owner && stepOf(wf, owner.step_key);
    if (!owner || !step) return { outcome: 'unknown', clearanceId: req.clearanceId };
    await lockStudents(t, { ids: [owner.student_id] });
    const dependents = wf.steps.filter((d) => d.requires.includes(step.key)).map((d) => d.key);
    const [row] = await prepared<Row>(
      t,
      `select c.student_id, s.student_no, s.college_id, s.campus, c.step_key, c.status, c.version, c.decided_by_id,
              c.decided_by_label, c.decided_at,
              coalesce((select array_agg(r.step_key order by r.step_key) from clearance r
                         where r.student_id = c.student_id and r.step_key = any(?::text[]) and r.status = 'passed'), '{}') as passed_dependents
         from clearance c join student s on s.id = c.student_id where c.id = ?`,
      [pgTextArray(dependents), req.clearanceId],
    );
    const r = row!;
    const current: UndoResult = {
      outcome: 'changed',
      clearanceId: req.clearanceId,
      stepKey: r.step_key,
      studentNo: r.student_no,
      status: r.status,
      version: r.version,
      decidedBy: r.decided_by_label,
      decidedAt: r.decided_at ? new Date(r.decided_at).toISOString() : null,
    };
    const common = {
      actorPersonId: req.actor.personId,
      actorLabel: req.actor.name,
      action: 'undo',
      stepKey: r.step_key,
    };
    const base = { decision: 'undo', source: 'card', ...(req.via ?? {}) };
    const refuse = async (outcome: UndoOutcome, why: string, extra: Partial<UndoResult> = {}) => {
      await insertAudit(t, common, [{ outcome: 'denied', studentId: r.student_id, detail: { ...base, why } }]);
      return { ...current, ...extra, outcome };
    };
    if (r.status !== 'passed' && r.status !== 'returned') return current;
    if (req.expectedVersion !== undefined && req.expectedVersion !== r.version) return current;
    const role = authorize(
      { kind: 'person', personId: req.actor.personId, name: req.actor.name },
      req.actor.assignments,
      step,
      { collegeId: r.college_id, campus: r.campus },
      'pass',
    );
    if (!role) return refuse('denied', 'not_assigned');
    if (r.decided_by_id !== req.actor.personId) return refuse('not_own', 'not_own_decision');
    // The final office's pass ends the clearance (the student ID is cancelled): from then on only an administrator's revoke.
    const final = r.passed_dependents.length
      ? r.passed_dependents
      : step.requires.length && r.status === 'passed'
        ? [step.key]
        : [];
    if (final.length) return refuse('final_passed', 'final_passed', { blockedBy: final });
    const won = await writeDecisions(t, {
      to: 'pending',
      from: ['passed', 'returned'],
      required: [],
      decider: null,
      candidates: [
        {
          id: req.clearanceId,
          reason: null,
          expectedVersion: r.version,
          overReturn: true, // undoing one's own return is the intent
          detail: {
            ...base,
            from: r.status,
            to: 'pending',
            as_role: role,
            undoes: { version: r.version, decided_at: current.decidedAt },
          },
        },
      ],
      audit: common,
      otherAudit: [],
      cause: 'undo',
    });
    const w = won.get(req.clearanceId);
    return w ? { ...current, outcome: 'applied', version: w.version } : current;
  });
}
