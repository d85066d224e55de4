// Runs a job for its current slot if this caller wins the slot's claim.
import { claimSlot } from '../../src/jobs/claim.ts';
import { readCommitted } from '../../src/db/retry.ts';
import type { JobContext, JobDef, JobTime } from './types.ts';
import { quietHoursEnd, slotOf } from './slots.ts';
import { metrics } from '../../src/metrics/metrics.ts';

export type JobRun =
  | { ran: true; slot: string; result: Record<string, unknown> }
  | { ran: false; slot: string; claimedBy: string; claimedAt: string };

export async function runJob(
  job: JobDef,
  ctx: Omit<JobContext, 'slot'>,
  by: string,
  at: JobTime = job.at,
  slot: string = slotOf(at, ctx.now, ctx.timeZone),
): Promise<JobRun> {
  // The claim commits with the job's work: a job that fails leaves its slot free for the catch-up or an operator.
  // A second instance claiming meanwhile waits on the claim's row, then finds it taken (READ COMMITTED: at a stricter
  // level that insert fails with 40001 instead, which readCommitted retries).
  const run = readCommitted(ctx.em, async (em): Promise<JobRun> => {
    const claim = await claimSlot(em, job.name, slot, by);
    if (!claim.claimed) return { ran: false as const, slot, claimedBy: claim.by, claimedAt: claim.at };
    return { ran: true as const, slot, result: await job.run({ ...ctx, em, slot }) };
  });
  return metrics.cronRun(job.name, run);
}

/**
 * A run someone asked for (`lixiao job run`): it claims and runs the slot at once, but inside quiet hours the messages
 * it queues wait for their end, unless `now` says to send them at once.
 */
export async function runJobAsked(
  job: JobDef,
  ctx: Omit<JobContext, 'slot'>,
  by: string,
  o: { at?: JobTime; quietHours?: string; now?: boolean },
): Promise<JobRun & { heldUntil?: Date }> {
  const heldUntil = job.sends && !o.now ? (quietHoursEnd(o.quietHours, ctx.now, ctx.timeZone) ?? undefined) : undefined;
  const run = await runJob(job, { ...ctx, sendAt: heldUntil }, by, o.at ?? job.at);
  return run.ran && heldUntil ? { ...run, heldUntil } : run;
}
