// The approval center's task planning: holders per step, how decisions close tasks, rounds, and per-step mode.
import { describe, expect, it } from 'vitest';
import { planTasks, type PlannedTask, type StepState } from '../src/approval/plan.ts';

const step = (over: Partial<StepState>): StepState => ({
  stepKey: 'library',
  status: 'pending',
  gateOpen: true,
  decidedById: null,
  decidedAt: null,
  mode: 'per_handler',
  handlers: [11, 12],
  ...over,
});

describe('planTasks', () => {
  it('opens a task per handler, or one for the step in per_step mode, and none behind a closed gate', () => {
    const per = planTasks('lixiao-1', [step({})], [], null, 1000);
    expect(per.tasks.map((t) => [t.taskId, t.status])).toEqual([
      ['lixiao-1-library-11-r1', 'PENDING'],
      ['lixiao-1-library-12-r1', 'PENDING'],
    ]);
    expect(per.changed).toBe(true);
    expect(planTasks('lixiao-1', [step({ mode: 'per_step' })], [], null, 1000).tasks.map((t) => t.personId)).toEqual([
      11,
    ]);
    expect(planTasks('lixiao-1', [step({ gateOpen: false })], [], null, 1000).tasks).toEqual([]);
  });

  it('a pass closes the decider’s task APPROVED and the others DONE; planning again changes nothing', () => {
    const open = planTasks('lixiao-1', [step({})], [], null, 1000);
    const passed = step({ status: 'passed', decidedById: 12, decidedAt: 5000 });
    const closed = planTasks('lixiao-1', [passed], open.tasks, { status: 'PENDING', endTime: 0 }, 6000);
    expect(closed.tasks.map((t) => [t.personId, t.status, t.endTime])).toEqual([
      [11, 'DONE', 5000],
      [12, 'APPROVED', 5000],
    ]);
    expect(closed.status).toBe('APPROVED');
    const again = planTasks('lixiao-1', [passed], closed.tasks, { status: 'APPROVED', endTime: 5000 }, 7000);
    expect(again.changed).toBe(false);
    expect(again.tasks).toEqual(closed.tasks);
  });

  it('a step opened again (revoked) gets a new round; a handler who left has their open task DONE', () => {
    const stored: PlannedTask[] = [
      {
        taskId: 'lixiao-1-library-11-r1',
        stepKey: 'library',
        personId: 11,
        round: 1,
        status: 'APPROVED',
        createTime: 1,
        endTime: 2,
        updateTime: 2,
        completeReason: 'approved',
      },
      {
        taskId: 'lixiao-1-library-13-r1',
        stepKey: 'library',
        personId: 13,
        round: 1,
        status: 'PENDING',
        createTime: 1,
        endTime: 0,
        updateTime: 1,
        completeReason: null,
      },
    ];
    const plan = planTasks('lixiao-1', [step({ handlers: [11] })], stored, { status: 'PENDING', endTime: 0 }, 9000);
    expect(plan.tasks.map((t) => [t.taskId, t.status])).toEqual([
      ['lixiao-1-library-11-r1', 'APPROVED'],
      ['lixiao-1-library-13-r1', 'DONE'],
      ['lixiao-1-library-11-r2', 'PENDING'],
    ]);
  });
});
