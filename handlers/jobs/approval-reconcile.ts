// Every few minutes: queue a comparison of Feishu's approval center with the database (the worker holds the client).
import { APPROVAL_JOB } from '../../src/approval/jobs.ts';
import type { JobDef } from './types.ts';

export const approvalReconcileJob: JobDef = {
  name: 'approval-reconcile',
  description:
    "compare the Feishu approval center's instances and tasks with the database (external_instances/check) and re-push what differs; nothing until `lixiao feishu approval-setup` has stored the approval_code",
  at: { hour: 0, minute: 0, everyMinutes: 5 },
  sends: false,
  run: async ({ em }) => {
    // 288 slots a day: their claims matter only while the slot is current
    await em.execute("delete from cron_run where job = 'approval-reconcile' and claimed_at < now() - interval '1 day'");
    const [defined] = await em.execute<{ n: number }[]>('select count(*)::int as n from approval_definition');
    if (!defined?.n) return { queued: false };
    // one waiting comparison at most: a slow one is not stacked
    await em.execute(
      `select graphile_worker.add_job(?::text, '{}'::json, job_key => 'approval:reconcile', job_key_mode => 'preserve_run_at', max_attempts => 3)`,
      [APPROVAL_JOB.reconcile],
    );
    return { queued: true };
  },
};
