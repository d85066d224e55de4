// node-cron triggers in the university's zone; each run claims its (job, slot) row, so any number of instances run it once.
// A failed run is retried with backoff until its slot ends; a run that would message people in quiet hours waits for them to end.
import cron, { type ScheduledTask } from 'node-cron';
import { hostname } from 'node:os';
import type { JobContext, JobDef, JobTime } from '../handlers/jobs/types.ts';
import { runJob, type JobRun } from '../handlers/jobs/run-job.ts';
import {
  inQuietHours,
  parseJobTime,
  previousSlot,
  quietHoursEnd,
  slotDue,
  slotOf,
  slotWindow,
} from '../handlers/jobs/slots.ts';
import type { Logger } from '../src/log.ts';

/** The scheduler's clock: the time, and a timer (tests move both by hand). */
export interface SchedulerClock {
  now: () => Date;
  after: (ms: number, fn: () => Promise<unknown>) => { cancel: () => void };
}

export const realClock: SchedulerClock = {
  now: () => new Date(),
  after: (ms, fn) => {
    // timers are capped at 2^31-1 ms (24.8 days); slots end within a week
    const t = setTimeout(() => void fn(), Math.min(ms, 2 ** 31 - 1));
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};

export interface SchedulerOptions {
  jobs: JobDef[];
  timeZone: string;
  /** LIXIAO_SCHEDULE overrides: job name -> "09:05" / "Mon 09:35" */
  overrides: Map<string, string>;
  quietHours?: string;
  context: (now: Date) => Omit<JobContext, 'slot'>;
  log: Logger;
  instance?: string;
  clock?: SchedulerClock;
}

/** What a trigger did: ran (or found the slot run elsewhere), or left a later attempt scheduled, or gave the slot up. */
export type TickResult =
  | JobRun
  | { ran: false; slot: string; waiting: 'quiet hours' | 'retry'; next: string; error?: string }
  | { ran: false; slot: string; lost: string };

export interface Scheduler {
  /** what a cron trigger does at `now` (exposed for tests and for the catch-up) */
  tick: (job: JobDef, now: Date) => Promise<TickResult>;
  /**
   * Runs, once, every job whose slot is open but was not run: today's slot once its time has come, and, when the
   * instance starts inside quiet hours, the slot those quiet hours held up (at their end).
   */
  catchUp: (now: Date) => Promise<void>;
  times: Map<string, JobTime>;
  stop: () => Promise<void>;
}

/** Waits between attempts of a failed slot: 1, 2, 4, 8, 16 minutes, then every 30. */
export function retryDelayMs(failures: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, failures - 1), 30 * 60_000);
}

export function createScheduler(o: SchedulerOptions): Scheduler {
  const instance = o.instance ?? `${hostname()}:${process.pid}`;
  const clock = o.clock ?? realClock;
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

  // one later attempt per job at most: a newer slot's trigger replaces an older slot's pending attempt
  const pending = new Map<string, { slot: string; cancel: () => void }>();
  let stopped = false;

  const later = (job: JobDef, slot: string, at: Date, failures: number) => {
    pending.get(job.name)?.cancel();
    const timer = clock.after(Math.max(0, at.getTime() - clock.now().getTime()), async () => {
      pending.delete(job.name);
      if (!stopped) await attempt(job, slot, clock.now(), failures);
    });
    pending.set(job.name, { slot, cancel: timer.cancel });
  };

  /** One attempt at `slot`, at `now`; what follows a failure or quiet hours is scheduled here too. */
  async function attempt(job: JobDef, slot: string, now: Date, failures: number): Promise<TickResult> {
    const at = times.get(job.name)!;
    const { ends } = slotWindow(at, slot, o.timeZone);
    const lost = (why: string): TickResult => {
      o.log.error({ job: job.name, slot }, `job slot lost: ${why}`);
      return { ran: false, slot, lost: why };
    };
    if (now >= ends) return lost('the next slot has begun');
    const quietEnd = job.sends ? quietHoursEnd(o.quietHours, now, o.timeZone) : null;
    if (quietEnd) {
      if (quietEnd >= ends) return lost(`quiet hours last until the next slot begins`);
      o.log.info({ job: job.name, slot, at: quietEnd.toISOString() }, 'quiet hours: job runs when they end');
      later(job, slot, quietEnd, failures);
      return { ran: false, slot, waiting: 'quiet hours', next: quietEnd.toISOString() };
    }
    try {
      const run = await runJob(job, o.context(now), instance, at, slot);
      if (run.ran) o.log.info({ job: job.name, slot, result: run.result, failures }, 'job ran');
      else o.log.debug({ job: job.name, slot, claimedBy: run.claimedBy }, 'job slot already run elsewhere');
      return run;
    } catch (e) {
      const next = new Date(now.getTime() + retryDelayMs(failures + 1));
      if (next >= ends) return lost(`failed (${(e as Error).message}) and no time is left before the next slot`);
      o.log.error({ err: e, job: job.name, slot, retryAt: next.toISOString() }, 'job failed; retrying');
      later(job, slot, next, failures + 1); // a retry that lands in quiet hours waits for their end
      return { ran: false, slot, waiting: 'retry', next: next.toISOString(), error: (e as Error).message };
    }
  }

  const tick: Scheduler['tick'] = (job, now) => attempt(job, slotOf(times.get(job.name)!, now, o.timeZone), now, 0);

  const catchUp: Scheduler['catchUp'] = async (now) => {
    for (const job of o.jobs) {
      const at = times.get(job.name)!;
      const today = slotOf(at, now, o.timeZone);
      let slot: string | undefined;
      if (slotDue(at, now, o.timeZone)) slot = today;
      // started inside quiet hours before today's time: the previous slot may be the one they held up
      else if (job.sends && inQuietHours(o.quietHours, now, o.timeZone)) slot = previousSlot(at, today);
      if (slot) await attempt(job, slot, now, 0).catch((e) => o.log.error({ err: e, job: job.name }, 'job failed'));
    }
  };

  const tasks: ScheduledTask[] = o.jobs.map((job) => {
    const t = times.get(job.name)!;
    return cron.schedule(
      t.everyMinutes ? `*/${t.everyMinutes} * * * *` : `${t.minute} ${t.hour} * * ${t.weekday ?? '*'}`,
      () => tick(job, clock.now()).catch((e) => o.log.error({ err: e, job: job.name }, 'job failed')),
      {
        timezone: o.timeZone,
        name: `lixiao:${job.name}`,
        noOverlap: true,
      },
    );
  });
  return {
    tick,
    catchUp,
    times,
    stop: async () => {
      stopped = true;
      for (const p of pending.values()) p.cancel();
      pending.clear();
      await Promise.all(tasks.map((t) => Promise.resolve(t.destroy())));
    },
  };
}
