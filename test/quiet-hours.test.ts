// Quiet hours for messages nobody asked for: event-driven notices and `lixiao job run` queue them until the hours end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { seedSeason, studentNo } from './support/season.ts';
import { notifyListener } from '../bot/delivery/notify.ts';
import { jobNamed, type Deps } from '../handlers/index.ts';
import { runJobAsked } from '../handlers/jobs/run-job.ts';
import { quietHoursEnd } from '../handlers/jobs/slots.ts';

const TZ = 'Asia/Shanghai';
const QUIET = '22:00-07:30';
const at = (iso: string) => new Date(`${iso}+08:00`);
let db: TestDb;

const deps = (now: Date): Deps => ({
  orm: db.orm,
  wf: db.wf,
  timeZone: TZ,
  publicUrl: 'http://x',
  platforms: ['console'],
  quietHours: QUIET,
  now: () => now,
});

/** The send jobs queued, with when each may run (graphile-worker's run_at). */
const sends = () =>
  db.sql<{ key: string; run_at: Date }>(
    `select key, run_at from graphile_worker._private_jobs
      where task_id = (select id from graphile_worker._private_tasks where identifier = 'send_card') order by key`,
  );
const clearJobs = () => db.sql('delete from graphile_worker._private_jobs');

/** A clearance of the student passed, as a decision would leave it; returns the change to notify. */
async function passed(no: string, step: string) {
  const [c] = await db.sql<{ id: number; version: number }>(
    `update clearance set status = 'passed', version = version + 1, decided_at = now()
      where step_key = $2 and student_id = (select id from student where student_no = $1) returning id, version`,
    [no, step],
  );
  return { clearanceId: c!.id, version: c!.version };
}

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 4);
  await db.sql(`update student set deadline = '2026-06-17'`); // every student due: remind has someone to remind
});
afterAll(() => db.close());

describe('quiet hours', () => {
  it('end where the window says, across midnight', () => {
    expect(quietHoursEnd(QUIET, at('2026-06-15T23:10:00'), TZ)).toEqual(at('2026-06-16T07:30:00'));
    expect(quietHoursEnd(QUIET, at('2026-06-16T06:59:30'), TZ)).toEqual(at('2026-06-16T07:30:00'));
    expect(quietHoursEnd(QUIET, at('2026-06-16T07:30:00'), TZ)).toBeNull();
    expect(quietHoursEnd(undefined, at('2026-06-15T23:10:00'), TZ)).toBeNull();
  });

  it('hold a notice of a pass at 23:10 until 07:30, queued rather than dropped; at 10:00 it goes at once', async () => {
    await clearJobs();
    await notifyListener(
      deps(at('2026-06-15T23:10:00')),
      ['console'],
      0,
    )({
      changes: [await passed(studentNo(0), 'library')],
      cause: 'pass',
      jobKey: null,
    });
    const night = await sends();
    expect(night).toHaveLength(1);
    expect(new Date(night[0]!.run_at)).toEqual(at('2026-06-16T07:30:00'));

    await clearJobs();
    await notifyListener(
      deps(at('2026-06-16T10:00:00')),
      ['console'],
      0,
    )({
      changes: [await passed(studentNo(1), 'library')],
      cause: 'pass',
      jobKey: null,
    });
    const day = await sends();
    expect(day).toHaveLength(1);
    expect(new Date(day[0]!.run_at).getTime()).toBeLessThanOrEqual(Date.now() + 1000); // due now
  });

  it('`lixiao job run` inside quiet hours runs the slot and holds its messages until they end; --now sends at once', async () => {
    const remind = jobNamed('remind')!;
    const ctx = (now: Date) => ({
      em: db.orm.em.fork(),
      wf: db.wf,
      timeZone: TZ,
      now,
      deps: deps(now),
      settings: { remindDays: [7, 3, 1], nearDays: 3 },
    });
    await clearJobs();
    const night = await runJobAsked(remind, ctx(at('2026-06-18T23:10:00')), 'cli', { quietHours: QUIET });
    expect(night).toMatchObject({ ran: true, slot: '2026-06-18', heldUntil: at('2026-06-19T07:30:00') });
    const held = await sends();
    expect(held.length).toBeGreaterThan(0);
    for (const s of held) expect(new Date(s.run_at)).toEqual(at('2026-06-19T07:30:00'));

    await clearJobs();
    const forced = await runJobAsked(remind, ctx(at('2026-06-19T23:10:00')), 'cli', { quietHours: QUIET, now: true });
    expect(forced.ran && forced.heldUntil).toBeUndefined();
    const now = await sends();
    expect(now.length).toBeGreaterThan(0);
    for (const s of now) expect(new Date(s.run_at).getTime()).toBeLessThanOrEqual(Date.now() + 1000);
  });
});
