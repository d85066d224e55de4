// Plans one student's approval-center tasks from the clearance rows: who holds an open step, and how decided steps close.
//
// Pure: it takes the stored tasks and the clearances as they are now and returns the tasks as they should be. A task
// never changes its id, holder or create time; a step opened again (revoked) gets a new round of tasks.

export type TaskStatus = 'PENDING' | 'APPROVED' | 'REJECTED' | 'DONE';
export type InstanceStatus = 'PENDING' | 'APPROVED';

export interface PlannedTask {
  taskId: string;
  stepKey: string;
  personId: number;
  round: number;
  status: TaskStatus;
  createTime: number;
  endTime: number;
  updateTime: number;
  completeReason: string | null;
}

export interface StepState {
  stepKey: string;
  status: 'pending' | 'passed' | 'returned' | 'not_applicable';
  /** every step it requires has passed */
  gateOpen: boolean;
  decidedById: number | null;
  decidedAt: number | null;
  mode: 'per_handler' | 'per_step';
  /** handlers of the step in the student's scope who can be reached in Feishu, by person id */
  handlers: number[];
}

export interface Plan {
  tasks: PlannedTask[];
  status: InstanceStatus;
  endTime: number;
  /** whether any task or the instance changed */
  changed: boolean;
}

export const taskIdOf = (instanceId: string, stepKey: string, personId: number, round: number) =>
  `${instanceId}-${stepKey}-${personId}-r${round}`;

function close(t: PlannedTask, status: TaskStatus, at: number, reason: string): PlannedTask {
  return { ...t, status, endTime: at, updateTime: Math.max(at, t.updateTime + 1), completeReason: reason };
}

export function planTasks(
  instanceId: string,
  steps: StepState[],
  stored: PlannedTask[],
  previous: { status: InstanceStatus; endTime: number } | null,
  now: number,
): Plan {
  const out = new Map(stored.map((t) => [t.taskId, t]));
  let changed = false;
  const put = (t: PlannedTask) => {
    out.set(t.taskId, t);
    changed = true;
  };
  for (const step of steps) {
    const mine = stored.filter((t) => t.stepKey === step.stepKey);
    const pending = mine.filter((t) => t.status === 'PENDING');
    if (step.status === 'pending' && step.gateOpen) {
      const holders = step.mode === 'per_step' ? step.handlers.slice(0, 1) : step.handlers;
      for (const t of pending) if (!holders.includes(t.personId)) put(close(t, 'DONE', now, 'reassigned'));
      for (const personId of holders) {
        if (pending.some((t) => t.personId === personId)) continue;
        const round = Math.max(0, ...mine.filter((t) => t.personId === personId).map((t) => t.round)) + 1;
        put({
          taskId: taskIdOf(instanceId, step.stepKey, personId, round),
          stepKey: step.stepKey,
          personId,
          round,
          status: 'PENDING',
          createTime: now,
          endTime: 0,
          updateTime: now,
          completeReason: null,
        });
      }
      continue;
    }
    // Decided, not applicable, or closed again by its gate: every open task of the step ends. The decider's own task
    // shows their decision; the others are DONE (someone else acted).
    const at = step.decidedAt ?? now;
    for (const t of pending) {
      const own = t.personId === step.decidedById;
      if (step.status === 'passed') put(close(t, own ? 'APPROVED' : 'DONE', at, own ? 'approved' : 'done'));
      else if (step.status === 'returned') put(close(t, own ? 'REJECTED' : 'DONE', at, own ? 'rejected' : 'done'));
      else put(close(t, 'DONE', now, 'done'));
    }
  }
  const applicable = steps.filter((s) => s.status !== 'not_applicable');
  const approved = applicable.length > 0 && applicable.every((s) => s.status === 'passed');
  const status: InstanceStatus = approved ? 'APPROVED' : 'PENDING';
  const endTime = approved ? Math.max(...applicable.map((s) => s.decidedAt ?? now)) : 0;
  if (!previous || previous.status !== status || previous.endTime !== endTime) changed = true;
  return { tasks: [...out.values()], status, endTime, changed };
}
