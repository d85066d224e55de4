// The digest's 提醒 button: a handler's nudge slot is claimed in the transaction that queues their card.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { seedSeason } from './support/season.ts';
import { onTap, type Deps } from '../handlers/index.ts';

let db: TestDb;
let deps: Deps;
const NOW = new Date('2026-06-20T02:00:00Z'); // 10:00 in Chongqing

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 6);
  deps = {
    orm: db.orm,
    wf: db.wf,
    timeZone: 'Asia/Shanghai',
    publicUrl: 'http://x',
    platforms: ['console'],
    now: () => NOW,
  };
});
afterAll(() => db.close());

const admin = async () =>
  String((await db.sql<{ id: number }>(`select id from person where wecom_userid = 'admin-cs'`))[0]!.id);
const tapNudge = async () =>
  onTap(
    deps,
    { who: { platform: 'console', userId: await admin() }, value: { a: 'nudge', step: 'library' } },
    { layout: 'buttons' },
  );

describe('the digest’s 提醒 button', () => {
  it('a send that cannot be queued leaves the handler to be nudged again, not marked nudged with nothing sent', async () => {
    // the job queue refuses new jobs for a moment (a full disk, a lost connection)
    await db.sql(`create function refuse_job() returns trigger language plpgsql as $$
      begin raise exception 'job queue unavailable'; end $$`);
    await db.sql(`create trigger refuse_job before insert on graphile_worker._private_jobs
      for each row execute function refuse_job()`);
    await expect(tapNudge()).rejects.toThrow(/job queue unavailable/);
    expect(await db.sql(`select job from cron_run where job like 'nudge:%'`)).toEqual([]);

    await db.sql('drop trigger refuse_job on graphile_worker._private_jobs');
    const again = await tapNudge();
    expect(again.toast!.text).toBe('已提醒 1 位'); // the librarian
    const [librarian] = await db.sql<{ id: number }>(`select id from person where wecom_userid = 'library'`);
    expect(await db.sql(`select job, slot from cron_run where job like 'nudge:%'`)).toEqual([
      { job: `nudge:${librarian!.id}`, slot: '2026-06-20' },
    ]);
    expect(await db.sql(`select key from graphile_worker._private_jobs where key like 'send:console:nudge_%'`)).toEqual(
      [{ key: `send:console:nudge_2026-06-20_${librarian!.id}` }],
    );
    expect((await tapNudge()).toast!.text).toBe('今天已提醒过');
  });
});
