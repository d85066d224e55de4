// "Ready for 研工办" goes to the final office exactly once, also when the last two steps pass at the same moment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { seedSeason, studentNo } from './support/season.ts';
import { decide } from '../src/decisions/decide.ts';
import { notifyListener } from '../bot/delivery/notify.ts';
import type { Deps } from '../handlers/index.ts';

let db: TestDb;
let deps: Deps;
const em = () => db.orm.em.fork();
const admin = { kind: 'admin' as const, label: 'setup' };
const pass = (step: string, no: string) =>
  decide(em(), db.wf, { actor: admin, stepKey: step, decision: 'pass', source: 'admin', items: [{ studentNo: no }] });
const LAST_TWO = ['library', 'campus_card'];

/** The ready notices queued for the final office about this student. */
const readySends = async (no: string) =>
  (
    await db.sql<{ n: number }>(
      `select count(*)::int as n from graphile_worker._private_jobs
        where key like 'send:console:ready:grad_office:%' and payload::text like '%' || $1 || '%'`,
      [no],
    )
  )[0]!.n;

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 24);
  deps = { orm: db.orm, wf: db.wf, timeZone: 'Asia/Shanghai', publicUrl: 'http://lixiao.test' };
});
afterAll(() => db.close());

describe('ready for 研工办', () => {
  it('the last two steps passing at once, each change handled by its own job at the same time: one notice, 20 times', async () => {
    const listener = notifyListener(deps, ['console'], 0);
    const counts: number[] = [];
    for (let i = 0; i < 20; i++) {
      const no = studentNo(i);
      for (const s of db.wf.steps.filter((s) => s.key !== 'grad_office' && !LAST_TWO.includes(s.key)))
        await pass(s.key, no);
      const results = await Promise.all(LAST_TWO.map((step) => pass(step, no)));
      const changes = results.map(([r]) => ({ clearanceId: r!.clearanceId!, version: r!.version! }));
      await Promise.all(changes.map((c) => listener({ changes: [c], cause: 'pass', jobKey: null })));
      counts.push(await readySends(no));
    }
    expect(counts).toEqual(Array(20).fill(1));
  });

  it('both changes in one job: one notice; and the same changes handled again send nothing more', async () => {
    const listener = notifyListener(deps, ['console'], 0);
    const no = studentNo(21);
    for (const s of db.wf.steps.filter((s) => s.key !== 'grad_office' && !LAST_TWO.includes(s.key)))
      await pass(s.key, no);
    const results = await Promise.all(LAST_TWO.map((step) => pass(step, no)));
    const changes = results.map(([r]) => ({ clearanceId: r!.clearanceId!, version: r!.version! }));
    await listener({ changes, cause: 'pass', jobKey: null });
    expect(await readySends(no)).toBe(1);
    await db.sql(`delete from graphile_worker._private_jobs where key like 'send:console:ready:%'`);
    await listener({ changes, cause: 'pass', jobKey: null });
    expect(await readySends(no)).toBe(0);
  });
});
