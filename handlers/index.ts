// The registry: every chat command, card action and job on one screen, and the entry points platforms call.
import { cleanupJob } from './jobs/cleanup.ts';
import { digestJob } from './jobs/digest.ts';
import { nudgeJob } from './jobs/nudges.ts';
import { remindJob } from './jobs/reminders.ts';
import { escalateJob } from './jobs/escalate.ts';
import { approvalReconcileJob } from './jobs/approval-reconcile.ts';
import type { JobDef } from './jobs/types.ts';

export { onMessage } from './chat/on-message.ts';
export { onTap } from './actions/tap.ts';
export { receiveMessage, receiveTap } from './inbound/receive.ts';
export { noticesFor } from './notify/notices.ts';
export { combinedStudentNotice } from './notify/student-digest.ts';
export { refreshedPendingCard } from './actions/refresh.ts';
export type { Caps, CardTap, ChatMessage, Deps, Outgoing, Reply, Who } from './types.ts';

/** Chat commands (handlers/chat/on-message.ts): what a person may write. */
export const commands = [
  { words: ['进度', 'status', '我的离校'], who: 'student', does: 'own status card' },
  {
    words: ['证明', 'certificate', '离校证明'],
    who: 'student',
    does: 'own certificate (离校证明) once every step passed',
  },
  { words: ['待办', 'todo'], who: 'staff', does: 'pending card of their steps, 20 a page' },
  { words: ['查 学号'], who: 'staff', does: "one student's status within their scope, with rows to act on" },
  { words: ['通过 学号 …', 'pass 学号 …'], who: 'staff', does: 'dry run of passing a list, then one confirm' },
  {
    words: ['退回 学号 原因', 'return 学号 原因'],
    who: 'staff',
    does: 'return a student with a reason (without one: asks for it)',
  },
  { words: ['撤销 学号'], who: 'staff', does: 'undo their own pass or return, until 研工办 has passed the student' },
  {
    words: ['待办 (导师)'],
    who: 'supervisor',
    does: 'their students waiting for them, with the 确认书 five items, 同意离校 / 暂不同意',
  },
  { words: ['暂不同意 学号 原因'], who: 'supervisor', does: '暂不同意 by chat (the student is told the reason)' },
  { words: ['授权 工号或姓名'], who: 'supervisor', does: 'authorise someone to confirm for their students' },
  { words: ['取消授权'], who: 'supervisor', does: 'end the authorisation' },
  {
    words: ['English', '中文', 'language en|zh'],
    who: 'anyone',
    does: 'the language of their own cards and notices (person.lang, audited)',
  },
  { words: ['帮助', 'help'], who: 'anyone', does: 'help card (anything else also gets it)' },
] as const;

/** Card actions (handlers/actions/tap.ts), by the `a` of a button's value. */
export const actions = [
  'pass',
  'return',
  'undo',
  'pass_page',
  'pass_selected',
  'page',
  'confirm_list',
  'nudge',
] as const;

export const jobs: JobDef[] = [digestJob, nudgeJob, remindJob, escalateJob, cleanupJob, approvalReconcileJob];

export function jobNamed(name: string): JobDef | undefined {
  return jobs.find((j) => j.name === name);
}
