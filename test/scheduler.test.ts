import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { freshDb, type TestDb } from './support/db.ts';
import { createScheduler, type Scheduler } from '../bot/scheduler.ts';
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

function scheduler(jobs: JobDef[], instance: string, quietHours = '22:00-07:30') {
  const s = createScheduler({
    jobs,
    timeZone: TZ,
    overrides: new Map(),
    quietHours,
    instance,
    log: createLogger('silent'),
    context: (now) => ({
      em: db.orm.em.fork() as EntityManager,
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

  it('keeps messages out of quiet hours, but not housekeeping', async () => {
    const send = job('t_quiet', '07:35');
    const house = job('t_house', '03:17', false);
    const s = scheduler([send, house], 'a');
    expect(await s.tick(send, at('2026-06-15T23:10:00'))).toEqual({ ran: false, skipped: 'quiet hours' });
    await s.catchUp(at('2026-06-16T06:00:00')); // the send is not due yet and quiet besides; housekeeping catches up
    expect(runs).toEqual([{ job: 't_house', slot: '2026-06-16' }]);
    await s.catchUp(at('2026-06-16T08:00:00')); // quiet hours over and due: the day's send goes out once
    expect(runs).toEqual([
      { job: 't_house', slot: '2026-06-16' },
      { job: 't_quiet', slot: '2026-06-16' },
    ]);
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
