// While someone is away: their nudges, digests and "ready" notices go to their stand-in (they are not nudged), and the
// college digest names the offices whose every handler is away with nobody covering.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { seedSeason, STAFF_CSV, studentNo } from './support/season.ts';
import { jobNamed, noticesFor, onTap, type Deps } from '../handlers/index.ts';
import { runJob } from '../handlers/jobs/run-job.ts';
import { importStaff } from '../src/imports/staff.ts';
import { decide } from '../src/decisions/decide.ts';
import { endDelegations, grantDelegation } from '../src/delegations/delegations.ts';
import { parseUntil } from '../src/delegations/until.ts';
import type { Block, Card } from '../cards/index.ts';

const TZ = 'Asia/Shanghai';
let db: TestDb;
let deps: Deps;
let clock = new Date('2026-07-01T02:00:00Z'); // 10:00 on 1 July in Chongqing
const em = () => db.orm.em.fork();
const id = async (wecom: string) =>
  (await db.sql<{ id: number }>('select id from person where wecom_userid = $1', [wecom]))[0]!.id;
const run = (name: string) =>
  runJob(
    jobNamed(name)!,
    { em: em(), wf: db.wf, timeZone: TZ, now: clock, deps, settings: { remindDays: [7, 3, 1], nearDays: 3 } },
    'test',
  );
/** The cards queued for the console under keys starting with `prefix`, by person id. */
const queued = async (prefix: string) =>
  new Map(
    (
      await db.sql<{ payload: { personId: number; card: Card } }>(
        `select payload from graphile_worker._private_jobs where key like $1 order by id`,
        [`send:console:${prefix}%`],
      )
    ).map((r) => [r.payload.personId, r.payload.card]),
  );
const standIn = async (from: string, to: string | null, until: string) =>
  grantDelegation(
    em(),
    {
      fromPersonId: await id(from),
      toPersonId: to ? await id(to) : null,
      kind: to ? 'stand_in' : 'away',
      endsAt: parseUntil(until, TZ, clock).endsAt,
      by: 'test',
    },
    clock,
  );
const back = async (who: string) =>
  endDelegations(em(), { fromPersonId: await id(who), kind: 'stand_in', by: 'test' }, clock);
const awayLine = (c: Card) =>
  c.blocks.find((b): b is Extract<Block, { kind: 'text' }> => b.kind === 'text' && b.text.startsWith('**无人办理'))
    ?.text;

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 30);
  await importStaff(em(), db.wf, `${STAFF_CSV}\n图书馆员乙,handler,library,*,,library2`, 'staff.csv');
  await db.sql(`insert into person (name, wecom_userid) values ('王五', 'wang5')`);
  deps = { orm: db.orm, wf: db.wf, timeZone: TZ, publicUrl: 'http://x', platforms: ['console'], now: () => clock };
});
afterAll(() => db.close());

describe('nudges while someone is away', () => {
  it('the stand-in gets one card with the absent librarian’s students; the librarian is not nudged', async () => {
    await standIn('library', 'wang5', '2026-07-31');
    const r = await run('nudge');
    expect(r.ran).toBe(true);
    const cards = await queued('nudge_2026-07-01_');
    expect(cards.has(await id('library'))).toBe(false);
    expect(cards.has(await id('library2'))).toBe(true); // the other librarian is here
    const wang = cards.get(await id('wang5'))!;
    expect(wang.type).toBe('pending');
    const library = await db.sql<{ id: number }>(
      `select id from clearance where step_key = 'library' and status = 'pending' order by id`,
    );
    expect(wang.shows!.clearanceIds.every((c) => library.some((l) => l.id === c))).toBe(true);
    expect(wang.summary).toMatch(/^30 名学生待办理/);
  });

  it('a college admin’s 提醒 button reaches the stand-in, not the librarian away', async () => {
    clock = new Date('2026-07-02T02:00:00Z');
    const admin = String(await id('admin-cs'));
    const reply = await onTap(
      deps,
      { who: { platform: 'console', userId: admin }, value: { a: 'nudge', step: 'library' } },
      { layout: 'buttons' },
    );
    expect(reply.toast!.text).toBe('已提醒 2 位'); // 图书馆员乙 and 王五
    const cards = await queued('nudge_2026-07-02_');
    expect([...cards.keys()].sort()).toEqual([await id('library2'), await id('wang5')].sort());
  });
});

describe('a ready notice while the final office is away', () => {
  it('goes to its stand-in', async () => {
    await standIn('office', 'wang5', '2026-07-31');
    const admin = { kind: 'admin' as const, label: 'setup' };
    const no = studentNo(0);
    let last: { clearanceId: number; version: number } | undefined;
    for (const s of db.wf.steps.filter((s) => s.key !== 'grad_office')) {
      const [r] = await decide(em(), db.wf, {
        actor: admin,
        stepKey: s.key,
        decision: 'pass',
        source: 'admin',
        items: [{ studentNo: no }],
      });
      if (r!.outcome === 'applied') last = { clearanceId: r!.clearanceId!, version: r!.version! };
    }
    const out = await noticesFor(deps, [last!], 'pass');
    const ready = out.filter((o) => o.key.startsWith('ready:grad_office:'));
    expect(ready.map((o) => o.personId)).toEqual([await id('wang5')]);
    expect(ready[0]!.card.title).toBe(`可以办理：${no} 学生0`);
    await back('office');
  });
});

describe('the college digest while people are away', () => {
  it('goes to the college admin’s stand-in, not the admin away', async () => {
    clock = new Date('2026-07-03T02:00:00Z');
    await standIn('admin-cs', 'sec-cs', '2026-07-05');
    expect((await run('digest')).ran).toBe(true);
    const cards = await queued('digest_2026-07-03_');
    expect([...cards.keys()]).toEqual([await id('sec-cs')]);
    expect(awayLine(cards.get(await id('sec-cs'))!)).toBeUndefined(); // the librarians are covered or here
    await back('admin-cs');
  });

  it('names an office whose librarians are all away with nobody covering, and how many wait', async () => {
    clock = new Date('2026-07-04T02:00:00Z');
    await standIn('library', null, '2026-07-31'); // 休假: replaces the stand-in
    await standIn('library2', null, '2026-07-10');
    await run('digest');
    const card = (await queued('digest_2026-07-04_')).get(await id('admin-cs'))!;
    // 计算机学院 is every third student: 10, one of whom (student 0) has passed the library
    expect(awayLine(card)).toBe('**无人办理：**\n图书馆：图书馆员、图书馆员乙 休假中，无人代理，9 人等待');
    expect(card.blocks.findIndex((b) => 'text' in b && b.text.startsWith('**无人办理'))).toBe(1); // first after the counts
    // nobody away is nudged: neither librarian gets a card
    await run('nudge');
    const nudges = await queued('nudge_2026-07-04_');
    expect(nudges.has(await id('library'))).toBe(false);
    expect(nudges.has(await id('library2'))).toBe(false);
  });

  it('a stand-in who is away themselves covers nobody; one librarian back, and the line goes', async () => {
    clock = new Date('2026-07-05T02:00:00Z');
    await standIn('library2', 'wang5', '2026-07-10');
    await standIn('wang5', null, '2026-07-10');
    await run('digest');
    const card = (await queued('digest_2026-07-05_')).get(await id('admin-cs'))!;
    expect(awayLine(card)).toBe('**无人办理：**\n图书馆：图书馆员、图书馆员乙 休假中，无人代理，9 人等待');
    clock = new Date('2026-07-06T02:00:00Z');
    await back('library2');
    await run('digest');
    expect(awayLine((await queued('digest_2026-07-06_')).get(await id('admin-cs'))!)).toBeUndefined();
  });

  it('ends by itself: after the last day nobody is away and the line is gone', async () => {
    clock = new Date('2026-08-01T02:00:00Z'); // 图书馆员's 休假 ended with 31 July
    await run('digest');
    expect(awayLine((await queued('digest_2026-08-01_')).get(await id('admin-cs'))!)).toBeUndefined();
    clock = new Date('2026-08-02T02:00:00Z');
    await standIn('library', null, '2026-08-02');
    await standIn('library2', null, '2026-08-02');
    await run('digest');
    expect(awayLine((await queued('digest_2026-08-02_')).get(await id('admin-cs'))!)).toBe(
      '**无人办理：**\n图书馆：图书馆员、图书馆员乙 休假中，无人代理，9 人等待',
    );
    clock = new Date('2026-08-02T16:00:00Z'); // 00:00 on 3 August in Chongqing
    await run('digest');
    expect(awayLine((await queued('digest_2026-08-03_')).get(await id('admin-cs'))!)).toBeUndefined();
  });
});
