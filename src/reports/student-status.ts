// One student's steps and statuses, in workflow order: the record behind `lixiao status` and the status card.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Workflow } from '../workflow/schema.ts';
import type { ClearanceStatus, DecisionSource } from '../entities/clearance.ts';

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

export async function studentStatus(em: EntityManager, wf: Workflow, studentNo: string): Promise<StudentStatus | null> {
  const [s] = await em.execute<
    {
      id: number;
      student_no: string;
      name: string;
      college: string;
      campus: string | null;
      exit_type: string;
      deadline: string | null;
    }[]
  >(
    `select s.id, s.student_no, s.name, c.name as college, s.campus, s.exit_type, to_char(s.deadline, 'YYYY-MM-DD') as deadline
       from student s join college c on c.id = s.college_id where s.student_no = ?`,
    [studentNo],
  );
  if (!s) return null;
  const rows = await em.execute<
    {
      step_key: string;
      status: ClearanceStatus;
      decided_by_label: string | null;
      decided_at: Date | null;
      source: DecisionSource | null;
      reason: string | null;
    }[]
  >('select step_key, status, decided_by_label, decided_at, source, reason from clearance where student_id = ?', [
    s.id,
  ]);
  const byKey = new Map(rows.map((r) => [r.step_key, r]));
  return {
    student_no: s.student_no,
    name: s.name,
    college: s.college,
    campus: s.campus,
    exit_type: s.exit_type,
    deadline: s.deadline,
    steps: wf.steps.map((step) => {
      const r = byKey.get(step.key);
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
  };
}
