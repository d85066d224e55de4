// One student's steps and statuses, in workflow order: the record behind `lixiao status` and the status card.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Workflow } from '../workflow/schema.ts';
import type { ClearanceStatus, DecisionSource } from '../entities/clearance.ts';
import { prepared } from '../db/prepared.ts';

export interface StepStatus {
  key: string;
  name: string;
  status: ClearanceStatus;
  decided_by: string | null;
  decided_at: string | null;
  source: DecisionSource | null;
  reason: string | null;
}

export interface StudentStatus {
  student_no: string;
  name: string;
  college: string;
  campus: string | null;
  exit_type: string;
  deadline: string | null;
  steps: StepStatus[];
}

/** A clearance row as the status reads it, with what the card needs beyond the status (amounts, the confirmation). */
export interface ClearanceRow {
  id: number;
  version: number;
  step_key: string;
  status: ClearanceStatus;
  decided_by_id: number | null;
  decided_by_label: string | null;
  decided_at: string | null;
  source: DecisionSource | null;
  reason: string | null;
  amount: string | null;
}

/** The status with what only the student's own card shows: the form link's token and the rows as read. */
export interface StudentRecord {
  status: StudentStatus;
  formToken: string;
  rows: Map<string, ClearanceRow>;
}

/** The student and every clearance row in one statement (a 进度 answer reads nothing else). */
export async function studentRecord(em: EntityManager, wf: Workflow, studentNo: string): Promise<StudentRecord | null> {
  const [s] = await prepared<{
    student_no: string;
    name: string;
    college: string;
    campus: string | null;
    exit_type: string;
    deadline: string | null;
    form_token: string;
    rows: ClearanceRow[];
  }>(
    em,
    `select s.student_no, s.name, c.name as college, s.campus, s.exit_type, to_char(s.deadline, 'YYYY-MM-DD') as deadline,
            s.form_token,
            coalesce((select json_agg(json_build_object('id', r.id, 'version', r.version, 'step_key', r.step_key, 'status', r.status,
                                                        'decided_by_id', r.decided_by_id, 'decided_by_label', r.decided_by_label,
                                                        'decided_at', r.decided_at, 'source', r.source, 'reason', r.reason,
                                                        'amount', r.amount::text))
                        from clearance r where r.student_id = s.id), '[]') as rows
       from student s join college c on c.id = s.college_id where s.student_no = ?`,
    [studentNo],
  );
  if (!s) return null;
  const rows = new Map(s.rows.map((r) => [r.step_key, r]));
  return {
    formToken: s.form_token,
    rows,
    status: {
      student_no: s.student_no,
      name: s.name,
      college: s.college,
      campus: s.campus,
      exit_type: s.exit_type,
      deadline: s.deadline,
      steps: wf.steps.map((step) => {
        const r = rows.get(step.key);
        return {
          key: step.key,
          name: step.name,
          status: r?.status ?? 'pending',
          decided_by: r?.decided_by_label ?? null,
          decided_at: r?.decided_at ? new Date(r.decided_at).toISOString() : null,
          source: r?.source ?? null,
          reason: r?.reason ?? null,
        };
      }),
    },
  };
}

export async function studentStatus(em: EntityManager, wf: Workflow, studentNo: string): Promise<StudentStatus | null> {
  return (await studentRecord(em, wf, studentNo))?.status ?? null;
}
