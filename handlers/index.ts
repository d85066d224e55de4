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

/** Chat commands, in the order they are tried: onMessage routes through this list (handlers/chat/commands.ts). */
export { commands, type ChatCommand } from './chat/commands.ts';

/** Card actions, by the `a` of a button's value: onTap answers each (handlers/actions/tap.ts, checked by the compiler). */
export { ACTIONS as actions, type ActionName } from './actions/action-names.ts';

export const jobs: JobDef[] = [digestJob, nudgeJob, remindJob, escalateJob, cleanupJob, approvalReconcileJob];

export function jobNamed(name: string): JobDef | undefined {
  return jobs.find((j) => j.name === name);
}
