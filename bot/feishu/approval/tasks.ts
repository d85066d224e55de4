// The approval center's queue tasks: push one student's snapshot (REPLACE), and reconcile with external_instances/check.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Task, TaskList } from 'graphile-worker';
import type { Workflow } from '../../../src/workflow/schema.ts';
import type { Logger } from '../../../src/log.ts';
import { storedApprovalCode } from '../../../src/approval/definition.ts';
import { markPushed, planAndSave } from '../../../src/approval/state.ts';
import { APPROVAL_JOB, enqueuePushes } from '../../../src/approval/jobs.ts';
import type { ApprovalApi } from './api.ts';
import { checkItem, instancePayload } from './payload.ts';
import { statusLink } from './status-link.ts';

export interface ApprovalTaskDeps {
  orm: MikroORM;
  wf: Workflow;
  api: ApprovalApi;
  log: Logger;
  publicUrl: string;
  customCode: string;
  /** the callback token, also the key of the status links' HMAC */
  secret: string;
}

/** Instances per check call. */
const CHECK_BATCH = 50;

/** Plans the student's tasks, saves them, and sends the whole instance; returns what happened. */
export async function pushStudent(d: ApprovalTaskDeps, studentId: number): Promise<'pushed' | 'skipped'> {
  const em = d.orm.em.fork();
  const code = await storedApprovalCode(em, d.customCode);
  if (!code) {
    d.log.warn('feishu approval: no approval_code stored yet; run `npx lixiao feishu approval-setup`');
    return 'skipped';
  }
  const snap = await planAndSave(em, d.wf, studentId);
  // The initiator is required (open_id or user_id): a student Feishu does not know cannot have an instance.
  if (!snap || !snap.studentOpenId) return 'skipped';
  await d.api.syncInstance(instancePayload(code, snap, statusLink(d.publicUrl, d.secret, snap.studentNo)));
  await markPushed(em, studentId, snap.updateTime);
  return 'pushed';
}

/**
 * Asks Feishu whether it holds each instance as last planned; re-pushes those that differ, those never accepted
 * (a push failed for good), and students of an open season without an instance yet.
 */
export async function reconcile(d: ApprovalTaskDeps): Promise<{ checked: number; differing: number; queued: number }> {
  const em = d.orm.em.fork();
  if (!(await storedApprovalCode(em, d.customCode))) return { checked: 0, differing: 0, queued: 0 };
  const rows = await em.execute<
    {
      student_id: number;
      instance_id: string | null;
      update_time: string | null;
      pushed_update_time: string | null;
      tasks: { task_id: string; update_time: string }[] | null;
    }[]
  >(
    `select s.id as student_id, i.instance_id, i.update_time, i.pushed_update_time,
            (select json_agg(json_build_object('task_id', t.task_id, 'update_time', t.update_time) order by t.task_id)
               from approval_task t join person p on p.id = t.person_id
              where t.student_id = s.id and p.feishu_open_id is not null) as tasks
       from student s join season se on se.id = s.season_id join person sp on sp.id = s.person_id
       left join approval_instance i on i.student_id = s.id
      where se.purged_at is null and sp.feishu_open_id is not null
      order by s.id`,
  );
  const redo = new Set<number>();
  const pushed = rows.filter((r) => {
    if (r.instance_id && r.pushed_update_time !== null && r.pushed_update_time === r.update_time) return true;
    redo.add(r.student_id);
    return false;
  });
  let differing = 0;
  const byInstance = new Map(pushed.map((r) => [r.instance_id!, r.student_id]));
  for (let i = 0; i < pushed.length; i += CHECK_BATCH) {
    const batch = pushed.slice(i, i + CHECK_BATCH).map((r) =>
      checkItem({
        instanceId: r.instance_id!,
        updateTime: Number(r.update_time),
        tasks: (r.tasks ?? []).map((t) => ({ taskId: t.task_id, updateTime: Number(t.update_time) })),
      }),
    );
    for (const id of await d.api.check(batch)) {
      const studentId = byInstance.get(id);
      if (studentId === undefined) continue;
      differing++;
      redo.add(studentId);
    }
  }
  const queued = await enqueuePushes(em, [...redo], 0);
  if (queued) d.log.info({ checked: pushed.length, differing, queued }, 'feishu approval: re-pushing instances');
  return { checked: pushed.length, differing, queued };
}

export function approvalTaskList(d: ApprovalTaskDeps): TaskList {
  const push: Task = async (payload) => {
    const studentId = Number((payload as { studentId?: unknown }).studentId);
    if (!Number.isInteger(studentId)) return;
    await pushStudent(d, studentId);
  };
  const rec: Task = async () => {
    await reconcile(d);
  };
  return { [APPROVAL_JOB.push]: push, [APPROVAL_JOB.reconcile]: rec };
}
