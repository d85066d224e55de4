// One student's approval-center state: read the clearances and the stored tasks, plan, save, and return the snapshot.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Workflow } from '../workflow/schema.ts';
import { planTasks, type InstanceStatus, type PlannedTask, type StepState } from './plan.ts';

export interface SnapshotTask extends PlannedTask {
  openId: string | null;
  stepName: string;
}

export interface Snapshot {
  studentId: number;
  studentNo: string;
  studentName: string;
  studentOpenId: string | null;
  formToken: string;
  instanceId: string;
  status: InstanceStatus;
  startTime: number;
  endTime: number;
  updateTime: number;
  tasks: SnapshotTask[];
}

export const instanceIdOf = (studentNo: string) => `lixiao-${studentNo}`;

interface TaskRow {
  task_id: string;
  step_key: string;
  person_id: number;
  round: number;
  status: PlannedTask['status'];
  create_time: string;
  end_time: string;
  update_time: string;
  complete_reason: string | null;
}

const toTask = (r: TaskRow): PlannedTask => ({
  taskId: r.task_id,
  stepKey: r.step_key,
  personId: r.person_id,
  round: r.round,
  status: r.status,
  createTime: Number(r.create_time),
  endTime: Number(r.end_time),
  updateTime: Number(r.update_time),
  completeReason: r.complete_reason,
});

/**
 * Plans and saves the student's tasks in one transaction (the instance row is locked, so two pushes of one student
 * plan one after the other) and returns the full snapshot to send. Null for a student not in an open season.
 */
export async function planAndSave(
  em: EntityManager,
  wf: Workflow,
  studentId: number,
  now = Date.now(),
): Promise<Snapshot | null> {
  return em.transactional(async (t) => {
    const tem = t;
    const [student] = await tem.execute<
      {
        id: number;
        student_no: string;
        name: string;
        college_id: number;
        campus: string | null;
        open_id: string | null;
        form_token: string;
        created_at: Date;
      }[]
    >(
      `select s.id, s.student_no, s.name, s.college_id, s.campus, p.feishu_open_id as open_id, s.form_token, s.created_at
         from student s join person p on p.id = s.person_id join season se on se.id = s.season_id
        where s.id = ? and se.purged_at is null`,
      [studentId],
    );
    if (!student) return null;
    const instanceId = instanceIdOf(student.student_no);
    await tem.execute(
      `insert into approval_instance (student_id, instance_id, status, update_time) values (?, ?, 'PENDING', 0) on conflict do nothing`,
      [studentId, instanceId],
    );
    const [inst] = await tem.execute<{ status: InstanceStatus; end_time: string; update_time: string }[]>(
      'select status, end_time, update_time from approval_instance where student_id = ? for update',
      [studentId],
    );
    const clearances = await tem.execute<
      { step_key: string; status: StepState['status']; decided_by_id: number | null; decided_at: Date | null }[]
    >('select step_key, status, decided_by_id, decided_at from clearance where student_id = ?', [studentId]);
    const handlers = await tem.execute<{ step_key: string; person_id: number }[]>(
      `select distinct a.step_key, a.person_id from assignment a join person p on p.id = a.person_id
        where a.role = 'handler' and a.ended_at is null and p.feishu_open_id is not null
          and (a.college_id is null or a.college_id = ?) and (a.campus is null or a.campus = ?)
        order by a.person_id`,
      [student.college_id, student.campus],
    );
    const stored = (await tem.execute<TaskRow[]>('select * from approval_task where student_id = ?', [studentId])).map(
      toTask,
    );
    const byStep = new Map(clearances.map((c) => [c.step_key, c]));
    const steps: StepState[] = wf.steps
      .filter((s) => byStep.has(s.key))
      .map((s) => {
        const c = byStep.get(s.key)!;
        return {
          stepKey: s.key,
          status: c.status,
          gateOpen: s.requires.every(
            (r) => byStep.get(r)?.status === 'passed' || byStep.get(r)?.status === 'not_applicable',
          ),
          decidedById: c.decided_by_id,
          decidedAt: c.decided_at ? new Date(c.decided_at).getTime() : null,
          mode: s.approval_tasks,
          // an office whose own system reports through the API (一卡通) gets no tasks: its staff only handle exceptions
          handlers: s.staff_use_system ? handlers.filter((h) => h.step_key === s.key).map((h) => h.person_id) : [],
        };
      });
    const previous = Number(inst!.update_time) > 0 ? { status: inst!.status, endTime: Number(inst!.end_time) } : null;
    const plan = planTasks(instanceId, steps, stored, previous, now);
    let updateTime = Number(inst!.update_time);
    if (plan.changed) {
      updateTime = Math.max(now, updateTime + 1, ...plan.tasks.map((x) => x.updateTime));
      const before = new Map(stored.map((x) => [x.taskId, x]));
      const dirty = plan.tasks.filter((x) => JSON.stringify(before.get(x.taskId)) !== JSON.stringify(x));
      if (dirty.length)
        await tem.execute(
          `insert into approval_task (task_id, student_id, step_key, person_id, round, status, create_time, end_time, update_time, complete_reason)
           select x.task_id, ?, x.step_key, x.person_id, x.round, x.status, x.create_time, x.end_time, x.update_time, x.complete_reason
             from jsonb_to_recordset(?::jsonb) as x(task_id text, step_key text, person_id int, round int, status text,
                  create_time bigint, end_time bigint, update_time bigint, complete_reason text)
           on conflict (task_id) do update set status = excluded.status, end_time = excluded.end_time,
                  update_time = excluded.update_time, complete_reason = excluded.complete_reason`,
          [
            studentId,
            JSON.stringify(
              dirty.map((x) => ({
                task_id: x.taskId,
                step_key: x.stepKey,
                person_id: x.personId,
                round: x.round,
                status: x.status,
                create_time: x.createTime,
                end_time: x.endTime,
                update_time: x.updateTime,
                complete_reason: x.completeReason,
              })),
            ),
          ],
        );
      await tem.execute('update approval_instance set status = ?, end_time = ?, update_time = ? where student_id = ?', [
        plan.status,
        plan.endTime,
        updateTime,
        studentId,
      ]);
    }
    const people = await tem.execute<{ id: number; open_id: string | null }[]>(
      'select id, feishu_open_id as open_id from person where id = any(?::int[])',
      [`{${[...new Set(plan.tasks.map((x) => x.personId))].join(',')}}`],
    );
    const openIds = new Map(people.map((p) => [p.id, p.open_id]));
    const stepNames = new Map(wf.steps.map((s) => [s.key, s.name]));
    return {
      studentId,
      studentNo: student.student_no,
      studentName: student.name,
      studentOpenId: student.open_id,
      formToken: student.form_token,
      instanceId,
      status: plan.status,
      startTime: new Date(student.created_at).getTime(),
      endTime: plan.endTime,
      updateTime,
      tasks: plan.tasks
        .sort((a, b) => a.createTime - b.createTime || a.taskId.localeCompare(b.taskId))
        .map((x) => ({
          ...x,
          openId: openIds.get(x.personId) ?? null,
          stepName: stepNames.get(x.stepKey) ?? x.stepKey,
        })),
    };
  });
}

/** Records that Feishu accepted the snapshot of this update_time (what reconciliation and status reports read). */
export async function markPushed(em: EntityManager, studentId: number, updateTime: number): Promise<void> {
  await em.execute(
    'update approval_instance set pushed_update_time = ?, pushed_at = now() where student_id = ? and update_time = ?',
    [updateTime, studentId, updateTime],
  );
}
