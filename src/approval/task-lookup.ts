// A task named by a callback, with the step it stands for and who (if anyone) has decided that step.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { TaskStatus } from './plan.ts';

export interface TaskForAction {
  taskId: string;
  status: TaskStatus;
  studentId: number;
  studentNo: string;
  stepKey: string;
  personId: number;
  personName: string;
  /** the holder's tenant user_id, when on file (the callback names the operator by it) */
  feishuUserId: string | null;
  clearanceStatus: string | null;
  decidedBy: string | null;
  decidedById: number | null;
  decidedAt: Date | null;
}

export async function taskForAction(em: EntityManager, taskId: string): Promise<TaskForAction | null> {
  const [r] = await em.execute<
    {
      task_id: string;
      status: TaskStatus;
      student_id: number;
      student_no: string;
      step_key: string;
      person_id: number;
      person_name: string;
      feishu_user_id: string | null;
      clearance_status: string | null;
      decided_by_label: string | null;
      decided_by_id: number | null;
      decided_at: Date | null;
    }[]
  >(
    `select t.task_id, t.status, t.student_id, s.student_no, t.step_key, t.person_id, p.name as person_name,
            p.feishu_user_id, c.status as clearance_status, c.decided_by_label, c.decided_by_id, c.decided_at
       from approval_task t join student s on s.id = t.student_id join person p on p.id = t.person_id
       left join clearance c on c.student_id = t.student_id and c.step_key = t.step_key
      where t.task_id = ?`,
    [taskId],
  );
  if (!r) return null;
  return {
    taskId: r.task_id,
    status: r.status,
    studentId: r.student_id,
    studentNo: r.student_no,
    stepKey: r.step_key,
    personId: r.person_id,
    personName: r.person_name,
    feishuUserId: r.feishu_user_id,
    clearanceStatus: r.clearance_status,
    decidedBy: r.decided_by_label,
    decidedById: r.decided_by_id,
    decidedAt: r.decided_at,
  };
}
