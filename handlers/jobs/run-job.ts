// Runs a job for its current slot if this caller wins the slot's claim.
import { claimSlot } from '../../src/jobs/claim.ts';
import type { JobContext, JobDef, JobTime } from './types.ts';
import { slotOf } from './slots.ts';

export type JobRun = { ran: true; slot: string; result: Record<string, unknown> } | { ran: false; slot: string; claimedBy: string; claimedAt: string };

export async function runJob(job: JobDef, ctx: Omit<JobContext, 'slot'>, by: string, at: JobTime = job.at): Promise<JobRun> {
  const slot = slotOf(at, ctx.now, ctx.timeZone);
  const claim = await claimSlot(ctx.em, job.name, slot, by);
  if (!claim.claimed) return { ran: false, slot, claimedBy: claim.by, claimedAt: claim.at };
  return { ran: true, slot, result: await job.run({ ...ctx, slot }) };
}
