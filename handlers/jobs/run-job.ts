// Runs a job for its current slot if this caller wins the slot's claim.
import { claimSlot } from '../../src/jobs/claim.ts';
import { readCommitted } from '../../src/db/retry.ts';
import type { JobContext, JobDef, JobTime } from './types.ts';
import { slotOf } from './slots.ts';

export type JobRun =
  | { ran: true; slot: string; result: Record<string, unknown> }
  | { ran: false; slot: string; claimedBy: string; claimedAt: string };

export async function runJob(
  job: JobDef,
  ctx: Omit<JobContext, 'slot'>,
  by: string,
  at: JobTime = job.at,
): Promise<JobRun> {
  const slot = slotOf(at, ctx.now, ctx.timeZone);
  // The claim commits with the job's work: a job that fails leaves its slot free for the catch-up or an operator.
  // A second instance claiming meanwhile waits on the claim's row, then finds it taken (READ COMMITTED: at a stricter
  // level that insert fails with 40001 instead, which readCommitted retries).
  return readCommitted(ctx.em, async (em) => {
    const claim = await claimSlot(em, job.name, slot, by);
    if (!claim.claimed) return { ran: false as const, slot, claimedBy: claim.by, claimedAt: claim.at };
    return { ran: true as const, slot, result: await job.run({ ...ctx, em, slot }) };
  });
}
