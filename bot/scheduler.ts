// node-cron triggers in the university's zone; each run claims its (job, slot) row, so any number of instances run it once.
import cron, { type ScheduledTask } from 'node-cron';
import { hostname } from 'node:os';
import type { JobContext, JobDef, JobTime } from '../handlers/jobs/types.ts';
import { runJob, type JobRun } from '../handlers/jobs/run-job.ts';
import { inQuietHours, parseJobTime, slotDue } from '../handlers/jobs/slots.ts';
import type { Logger } from '../src/log.ts';

export interface SchedulerOptions {
  jobs: JobDef[];
  timeZone: string;
  /** LIXIAO_SCHEDULE overrides: job name -> "09:05" / "Mon 09:35" */
  overrides: Map<string, string>;
  quietHours?: string;
  context: (now: Date) => Omit<JobContext, 'slot'>;
  log: Logger;
  instance?: string;
}

export interface Scheduler {
  /** what a cron trigger does at `now` (exposed for tests and for the catch-up) */
  tick: (job: JobDef, now: Date) => Promise<JobRun | { ran: false; skipped: 'quiet hours' }>;
  /** runs, once, every job whose current slot is due but was not run (all instances were down at its time) */
  catchUp: (now: Date) => Promise<void>;
  times: Map<string, JobTime>;
  stop: () => Promise<void>;
}

export function createScheduler(o: SchedulerOptions): Scheduler {
  const instance = o.instance ?? `${hostname()}:${process.pid}`;
  const unknown = [...o.overrides.keys()].filter((k) => !o.jobs.some((j) => j.name === k));
  if (unknown.length)
    throw new Error(
      `LIXIAO_SCHEDULE names unknown jobs: ${unknown.join(', ')} (jobs: ${o.jobs.map((j) => j.name).join(', ')})`,
    );
  const times = new Map(
    o.jobs.map((j) => [j.name, o.overrides.has(j.name) ? parseJobTime(o.overrides.get(j.name)!, j.sends) : j.at]),
  );
  for (const j of o.jobs) {
    const t = times.get(j.name)!;
    const probe = new Date(Date.UTC(2026, 0, 5, t.hour, t.minute)); // the time of day, read back in UTC below
    if (j.sends && inQuietHours(o.quietHours, probe, 'UTC'))
      throw new Error(
        `${j.name} at ${String(t.hour).padStart(2, '0')}:${String(t.minute).padStart(2, '0')} falls in quiet hours ${o.quietHours}: it would never run`,
      );
  }

  const tick: Scheduler['tick'] = async (job, now) => {
    if (job.sends && inQuietHours(o.quietHours, now, o.timeZone)) {
      o.log.info({ job: job.name }, 'quiet hours: job not run');
      return { ran: false, skipped: 'quiet hours' };
    }
    const run = await runJob(job, o.context(now), instance, times.get(job.name));
    if (run.ran) o.log.info({ job: job.name, slot: run.slot, result: run.result }, 'job ran');
    else o.log.debug({ job: job.name, slot: run.slot, claimedBy: run.claimedBy }, 'job slot already run elsewhere');
    return run;
  };

  const catchUp: Scheduler['catchUp'] = async (now) => {
    for (const job of o.jobs)
      if (slotDue(times.get(job.name)!, now, o.timeZone))
        await tick(job, now).catch((e) => o.log.error({ err: e, job: job.name }, 'job failed'));
  };

  const tasks: ScheduledTask[] = o.jobs.map((job) => {
    const t = times.get(job.name)!;
    return cron.schedule(
      t.everyMinutes ? `*/${t.everyMinutes} * * * *` : `${t.minute} ${t.hour} * * ${t.weekday ?? '*'}`,
      () => tick(job, new Date()).catch((e) => o.log.error({ err: e, job: job.name }, 'job failed')),
      {
        timezone: o.timeZone,
        name: `lixiao:${job.name}`,
        noOverlap: true,
      },
    );
  });
  return { tick, catchUp, times, stop: async () => void (await Promise.all(tasks.map((t) => t.destroy()))) };
}
