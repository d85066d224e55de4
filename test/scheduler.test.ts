import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { createScheduler, type Scheduler, type SchedulerClock } from '../bot/scheduler.ts';
import { parseJobTime, slotOf } from '../handlers/jobs/slots.ts';
import type { JobDef } from '../handlers/jobs/types.ts';
import { createLogger } from '../src/log.ts';

let db: TestDb;
const made: Scheduler[] = [];
const runs: { job: string; slot: string }[] = [];
const TZ = 'Asia/Shanghai';
/** 2026-06-15 is a Monday; times are Beijing time (UTC+8) */
const at = (iso: string) => new Date(`${iso}+08:00`);

const job = (name: string, time: string, sends = true): JobDef => ({
  name,
  description: name,
  at: parseJobTime(time, sends),
  sends,
  run: async ({ slot }) => {
    runs.push({ job: name, slot });
    return {};
  },
});

/** The scheduler's clock, moved by the test: timers fire (and their runs finish) as it passes their time. */
function manualClock(start: Date) {
  let t = start.getTime();
  const timers: { at: number; fn: () => Promise<unknown>; live: boolean }[] = [];
  const clock: SchedulerClock & { advanceTo: (d: Date) => Promise<void>; pending: () => number } = {
    now: () => new Date(t),
    after: (ms, fn) => {
      const timer = { at: t + ms, fn, live: true };
      timers.push(timer);
      return { cancel: () => void (timer.live = false) };
    },
    async advanceTo(d) {
      for (;;) {
        const next = timers.filter((x) => x.live && x.at <= d.getTime()).sort((a, b) => a.at - b.at)[0];
        if (!next) break;
        next.live = false;
        t = Math.max(t, next.at);
        await next.fn();
      }
      t = Math.max(t, d.getTime());
    },
    pending: () => timers.filter((x) => x.live).length,
  };
  return clock;
}

function scheduler(jobs: JobDef[], instance: string, quietHours = '22:00-07:30', clock?: SchedulerClock) {
  const s = createScheduler({
    clock,
    jobs,
    timeZone: TZ,
    overrides: new Map(),
    quietHours,
    instance,
    log: createLogger('silent'),
    context: (now) => ({
      em: db.orm.em.fork(),
      wf: db.wf,
      timeZone: TZ,
      now,
      deps: { orm: db.orm, wf: db.wf, timeZone: TZ, publicUrl: 'http://x', platforms: [] },
      settings: { remindDays: [7, 3, 1], nearDays: 3 },
    }),
  });
  made.push(s);
  return s;
}

beforeAll(async () => {
  db = await freshDb();
});
afterEach(async () => {
  runs.length = 0;
  await Promise.all(made.splice(0).map((s) => s.stop()));
  vi.useRealTimers();
});
afterAll(() => db.close());

describe('the scheduler across instances', () => {
  it('three instances firing the same slot run it exactly once', async () => {
    const digest = job('t_digest', '09:05');
    const instances = ['a', 'b', 'c'].map((i) => scheduler([digest], i));
    const results = await Promise.all(instances.map((s) => s.tick(digest, at('2026-06-15T09:05:00'))));
    expect(results.filter((r) => r.ran)).toHaveLength(1);
    expect(runs).toEqual([{ job: 't_digest', slot: '2026-06-15' }]);
    await instances[0]!.tick(digest, at('2026-06-16T09:05:00'));
    expect(runs.map((r) => r.slot)).toEqual(['2026-06-15', '2026-06-16']);
  });

  it('a slot missed while all were down is caught up once, not once per instance or per missed day', async () => {
    const digest = job('t_catchup', '09:05');
    const a = scheduler([digest], 'a');
    const b = scheduler([digest], 'b');
    await a.catchUp(at('2026-06-17T08:50:00')); // before today's time: nothing due
    expect(runs).toEqual([]);
    await Promise.all([a.catchUp(at('2026-06-17T11:40:00')), b.catchUp(at('2026-06-17T11:40:01'))]);
    expect(runs).toEqual([{ job: 't_catchup', slot: '2026-06-17' }]);
    await a.tick(digest, at('2026-06-17T09:05:00')); // a late trigger of the same slot
    expect(runs).toHaveLength(1);
  });

  it('keeps messages out of quiet hours, but not housekeeping: a start inside them runs the held-up slot at their end', async () => {
    const clock = manualClock(at('2026-06-16T06:00:00'));
    const send = job('t_quiet', '07:35');
    const house = job('t_house', '03:17', false);
    const s = scheduler([send, house], 'a', '22:00-07:30', clock);
    // a restart at 06:00: yesterday's 07:35 slot never ran; housekeeping catches up at once, the send waits
    await s.catchUp(clock.now());
    expect(runs).toEqual([{ job: 't_house', slot: '2026-06-16' }]);
    await clock.advanceTo(at('2026-06-16T07:29:59'));
    expect(runs).toHaveLength(1);
    await clock.advanceTo(at('2026-06-16T07:30:00')); // quiet hours over: the held-up slot goes out, once
    expect(runs).toEqual([
      { job: 't_house', slot: '2026-06-16' },
      { job: 't_quiet', slot: '2026-06-15' },
    ]);
    await s.catchUp(at('2026-06-16T08:00:00')); // and the day's own slot at its time
    expect(runs.slice(2)).toEqual([{ job: 't_quiet', slot: '2026-06-16' }]);
    // a trigger inside quiet hours runs nothing then, and the slot at their end
    const night = await s.tick(send, at('2026-06-16T23:10:00'));
    expect(night).toEqual({
      ran: false,
      slot: '2026-06-16',
      waiting: 'quiet hours',
      next: at('2026-06-17T07:30:00').toISOString(),
    });
  });

  it('a restart during quiet hours runs the missed slot when they end, once across instances', async () => {
    const clock = manualClock(at('2026-06-17T23:10:00'));
    const digest = job('t_night_restart', '09:05');
    const a = scheduler([digest], 'a', '22:00-07:30', clock);
    const b = scheduler([digest], 'b', '22:00-07:30', clock);
    await Promise.all([a.catchUp(clock.now()), b.catchUp(clock.now())]); // the day's 09:05 slot was never run
    expect(runs).toEqual([]);
    await clock.advanceTo(at('2026-06-18T07:30:00'));
    expect(runs).toEqual([{ job: 't_night_restart', slot: '2026-06-17' }]);
  });

  it('a failed run is retried with backoff within its slot until it succeeds', async () => {
    const clock = manualClock(at('2026-06-15T10:05:00'));
    let failures = 3;
    const attempts: string[] = [];
    const flaky: JobDef = {
      ...job('t_flaky', '10:05'),
      run: async ({ slot, now }) => {
        attempts.push(now.toISOString());
        if (failures-- > 0) throw new Error('database blip');
        runs.push({ job: 't_flaky', slot });
        return {};
      },
    };
    const s = scheduler([flaky], 'a', '22:00-07:30', clock);
    expect(await s.tick(flaky, clock.now())).toMatchObject({ ran: false, waiting: 'retry', error: 'database blip' });
    await clock.advanceTo(at('2026-06-15T10:11:59'));
    expect(attempts.map((a) => new Date(a).getTime() - at('2026-06-15T10:05:00').getTime())).toEqual([
      0, 60_000, 180_000,
    ]); // after 1 and 2 minutes
    expect(runs).toEqual([]);
    await clock.advanceTo(at('2026-06-15T10:12:00')); // then 4: it works, and the slot is claimed by that run
    expect(runs).toEqual([{ job: 't_flaky', slot: '2026-06-15' }]);
    expect(clock.pending()).toBe(0);
    expect(await db.sql(`select slot from cron_run where job = 't_flaky'`)).toEqual([{ slot: '2026-06-15' }]);
  });

  it('a run that keeps failing is retried outside quiet hours only, and given up when the next slot begins', async () => {
    const clock = manualClock(at('2026-06-15T10:05:00'));
    const attempts: Date[] = [];
    const broken: JobDef = {
      ...job('t_broken', '10:05'),
      run: async ({ now }) => {
        attempts.push(now);
        throw new Error('platform outage');
      },
    };
    const s = scheduler([broken], 'a', '22:00-07:30', clock);
    await s.tick(broken, clock.now());
    await clock.advanceTo(at('2026-06-16T10:04:59'));
    const quiet = attempts.filter((d) => d >= at('2026-06-15T22:00:00') && d < at('2026-06-16T07:30:00'));
    expect(quiet).toEqual([]);
    expect(attempts.some((d) => d.getTime() === at('2026-06-16T07:30:00').getTime())).toBe(true); // at quiet hours' end
    expect(attempts.length).toBeGreaterThan(20); // every 30 minutes at most, the whole day
    expect(clock.pending()).toBe(0); // the next attempt would fall in the next slot: given up
    expect(attempts.at(-1)!.getTime()).toBeLessThan(at('2026-06-16T10:05:00').getTime());
  });

  it('weekly jobs have one slot a week, named by the run day', async () => {
    const weekly = job('t_weekly', 'Mon 09:35');
    expect(slotOf(weekly.at, at('2026-06-17T12:00:00'), TZ)).toBe('2026-06-15');
    expect(slotOf(weekly.at, at('2026-06-21T12:00:00'), TZ)).toBe('2026-06-15'); // Sunday still belongs to that Monday's week
    expect(slotOf(weekly.at, at('2026-06-22T08:00:00'), TZ)).toBe('2026-06-22');
    const s = scheduler([weekly], 'a');
    await s.catchUp(at('2026-06-17T12:00:00')); // Wednesday: this week's Monday run was missed
    await s.catchUp(at('2026-06-19T12:00:00'));
    expect(runs).toEqual([{ job: 't_weekly', slot: '2026-06-15' }]);
  });

  it('refuses a sending job scheduled inside quiet hours (it would never run)', () => {
    expect(() => scheduler([job('t_night', '23:05')], 'a')).toThrow(/falls in quiet hours 22:00-07:30/);
    expect(() => scheduler([job('t_night_house', '23:05', false)], 'a')).not.toThrow();
  });

  it('refuses mass sends on :00 and :30, and unknown jobs in LIXIAO_SCHEDULE', () => {
    expect(() => parseJobTime('09:00', true)).toThrow(/off minutes :00 and :30/);
    expect(() => parseJobTime('09:30', true)).toThrow(/off minutes :00 and :30/);
    expect(parseJobTime('09:00', false)).toEqual({ hour: 9, minute: 0 });
    expect(() =>
      createScheduler({
        jobs: [],
        timeZone: TZ,
        overrides: new Map([['digets', '09:05']]),
        context: () => ({}) as never,
        log: createLogger('silent'),
      }),
    ).toThrow(/unknown jobs: digets/);
  });

  it('node-cron fires a job at its time in Asia/Shanghai', async () => {
    vi.useFakeTimers({ now: at('2026-06-15T09:04:30') });
    const s = scheduler([job('t_cron', '09:05')], 'a');
    await vi.advanceTimersByTimeAsync(31_000);
    await vi.waitFor(() => expect(runs).toEqual([{ job: 't_cron', slot: '2026-06-15' }]), { timeout: 15_000 });
    await s.stop();
  });
});
