// The rows a decision acts on, with the state of the steps on the other side of its gate, in the order asked.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ClearanceStatus } from '../entities/clearance.ts';
import { pgTextArray } from '../db/pg-array.ts';
import { prepared } from '../db/prepared.ts';
import type { DecisionRequest, KnownTarget } from './types.ts';

export interface TargetRow {
  ord: number;
  student_id: number | null;
  college_id: number;
  campus: string | null;
  supervisor_id: number | null;
  clearance_id: number | null;
  status: ClearanceStatus;
  version: number;
  decided_by_label: string | null;
  decided_at: Date | null;
  reason: string | null;
  /** required steps not yet passed or not applicable: pending, returned, or with no row at all */
  open_required: string[];
  passed_dependents: string[];
}

/**
 * A required step counts as done only when its row says passed or not_applicable: a step added to the workflow after
 * the students were imported has no row for them yet, and is open (`lixiao workflow sync` creates the rows).
 */
export function readTargets(
  em: EntityManager,
  stepKey: string,
  required: string[],
  dependents: string[],
  items: DecisionRequest['items'],
): Promise<TargetRow[]> {
  // unnest of an array, not a JSON recordset: the planner then knows how many rows come in and looks students up by index.
  return prepared<TargetRow>(
    em,
    `select (x.ord - 1)::int as ord, s.id as student_id, s.college_id, s.campus, s.supervisor_id, c.id as clearance_id, c.status, c.version,
            c.decided_by_label, c.decided_at, c.reason,
            coalesce((select array_agg(k order by k) from unnest(?::text[]) k
                       where not exists (select 1 from clearance r where r.student_id = s.id and r.step_key = k
                                            and r.status in ('passed', 'not_applicable'))), '{}') as open_required,
            coalesce((select array_agg(r.step_key) from clearance r
                      where r.student_id = s.id and r.step_key = any(?::text[]) and r.status = 'passed'), '{}') as passed_dependents
       from unnest(?::text[]) with ordinality as x(student_no, ord)
       left join student s on s.student_no = x.student_no
       left join clearance c on c.student_id = s.id and c.step_key = ?::text
      order by x.ord`,
    [pgTextArray(required), pgTextArray(dependents), pgTextArray(items.map((it) => it.studentNo)), stepKey],
  );
}

/** A row its caller read (DecisionRequest.known), as readTargets gives it; away from the gate, no step is on its other side. */
export function knownTarget(k: KnownTarget, ord: number): TargetRow {
  return {
    ord,
    student_id: k.studentId,
    college_id: k.collegeId,
    campus: k.campus,
    supervisor_id: k.supervisorId ?? null,
    clearance_id: k.clearanceId,
    status: k.status as ClearanceStatus,
    version: k.version,
    decided_by_label: k.decidedBy,
    decided_at: k.decidedAt === null ? null : new Date(k.decidedAt),
    reason: k.reason ?? null,
    open_required: [],
    passed_dependents: [],
  };
}
