// `lixiao delegate`: an administrator names a stand-in or an absence, lists and ends them; bad names and dates are refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { seedSeason, STAFF_CSV } from './support/season.ts';
import { cliRunner } from './support/cli.ts';
import { importStaff } from '../src/imports/staff.ts';
import { addDays, localDate } from '../src/time.ts';

let db: TestDb;
const cli = cliRunner(() => db.url, { LIXIAO_TIMEZONE: 'Asia/Shanghai' });
// The command line runs on the wall clock: dates are taken relative to today in Chongqing.
const today = localDate(new Date(), 'Asia/Shanghai');
const state = () =>
  db.sql<{ n: number; audit: number }>(
    `select (select count(*)::int from delegation) as n, (select count(*)::int from audit_event) as audit`,
  );

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 3);
  await importStaff(
    db.orm.em.fork(),
    db.wf,
    `${STAFF_CSV}\n李明,handler,hospital,*,,liming-a\n李明,handler,hospital,*,,liming-b`,
    'staff.csv',
  );
});
afterAll(() => db.close());

describe('lixiao delegate', { timeout: 180_000 }, () => {
  it('names a stand-in by name and WeCom userid, lists it (JSON too), and ends it; each step audited', async () => {
    const until = addDays(today, 30);
    const named = await cli.run('delegate', '图书馆员', 'finance', '--until', until);
    expect(named.stderr).toBe('');
    expect(named.stdout).toMatch(new RegExp(`^财务 stands in for 图书馆员 through ${until} \\(delegation \\d+\\)\\n$`));
    const list = await cli.run('delegate', 'list', '--json');
    const rows = JSON.parse(list.stdout);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ kind: 'stand_in', from: '图书馆员', to: '财务' });
    expect(rows[0].createdBy).toMatch(/^cli:/);
    // the end is exclusive: the start of the day after, in Chongqing (UTC+8)
    expect(rows[0].endsAt).toBe(new Date(`${addDays(until, 1)}T00:00:00+08:00`).toISOString());
    const table = await cli.run('delegate', 'list');
    expect(table.stdout).toContain('图书馆员');
    expect(table.stdout).toContain(until);
    const ended = await cli.run('delegate', 'end', 'library');
    expect(ended.stdout).toBe('图书馆员: stand-in ended (1)\n');
    expect((await cli.run('delegate', 'list')).stdout).toBe('nobody is away and no delegation is in force\n');
    const audit = await db.sql<{ action: string; actor_label: string }>(
      `select action, actor_label from audit_event where action like 'delegation.%' order by id`,
    );
    expect(audit.map((a) => a.action)).toEqual(['delegation.stand_in', 'delegation.stand_in.end']);
    expect(audit.every((a) => a.actor_label.startsWith('cli:'))).toBe(true);
  });

  it('records an absence with nobody named', async () => {
    const r = await cli.run('delegate', 'away', 'hospital', '--until', today);
    expect(r.stdout).toMatch(new RegExp(`^校医院 is away through ${today}, nobody named`));
    expect(JSON.parse((await cli.run('delegate', 'list', '--json')).stdout)[0]).toMatchObject({
      kind: 'away',
      from: '校医院',
      to: null,
    });
    expect((await cli.run('delegate', 'end', '校医院')).code).toBe(0);
  });

  it('refuses unknown and ambiguous people, oneself, a past date and a missing --until, changing nothing', async () => {
    const before = await state();
    const cases: [string[], number, RegExp][] = [
      [['delegate', '张无忌', 'finance', '--until', addDays(today, 3)], 1, /找不到“张无忌”/],
      [
        ['delegate', 'library', '李明', '--until', addDays(today, 3)],
        1,
        /“李明”有 2 位：李明（liming-a）、李明（liming-b）/,
      ],
      [['delegate', 'library', '图书馆员', '--until', addDays(today, 3)], 1, /不能指定自己/],
      [['delegate', 'library', 'finance', '--until', addDays(today, -1)], 1, /已经过去/],
      [['delegate', 'library', 'finance'], 2, /needs --until/],
      [['delegate', 'end', 'finance'], 1, /财务 has no stand-in and is not away/],
      [['delegate', 'library'], 2, /usage|delegate FROM TO/],
    ];
    for (const [args, code, error] of cases) {
      const r = await cli.run(...args);
      expect(r.code, args.join(' ')).toBe(code);
      expect(r.stderr, args.join(' ')).toMatch(error);
    }
    expect(await state()).toEqual(before);
  });
});
