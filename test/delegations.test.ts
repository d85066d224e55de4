// Who acts for whom: a stand-in covers for a date range and ends by itself; a new one replaces the old; all audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import {
  actingLabel,
  coveredBy,
  coversOf,
  DelegationError,
  endDelegations,
  grantDelegation,
} from '../src/delegations/delegations.ts';

let db: TestDb;
let zhang: number;
let wang: number;
let li: number;
const day = (d: string) => new Date(`${d}T00:00:00+08:00`);

beforeAll(async () => {
  db = await freshDb();
  const ids = await db.sql<{ id: number }>(
    `insert into person (name) values ('张三'), ('王五'), ('李四') returning id`,
  );
  [zhang, wang, li] = ids.map((r) => r.id) as [number, number, number];
});
afterAll(() => db.close());

describe('delegations', () => {
  it('a stand-in covers from now until the end date, then by itself no longer', async () => {
    const em = db.orm.em.fork();
    const now = day('2026-07-01');
    await grantDelegation(
      em,
      { fromPersonId: zhang, toPersonId: wang, kind: 'stand_in', endsAt: day('2026-08-31'), by: '张三' },
      now,
    );
    expect((await coveredBy(em, wang, day('2026-07-15'))).map((c) => c.name)).toEqual(['张三']);
    expect((await coversOf(em, zhang, day('2026-07-15'))).map((c) => c.name)).toEqual(['王五']);
    expect(await coveredBy(em, wang, day('2026-09-01'))).toEqual([]);
    expect(await coveredBy(em, zhang, day('2026-07-15'))).toEqual([]);
  });

  it('a new stand-in replaces the open one, and cancelling ends it at once; each step is audited', async () => {
    const em = db.orm.em.fork();
    const now = day('2026-07-02');
    await grantDelegation(
      em,
      { fromPersonId: zhang, toPersonId: li, kind: 'stand_in', endsAt: day('2026-08-01'), by: '张三' },
      now,
    );
    expect((await coversOf(em, zhang, day('2026-07-03'))).map((c) => c.name)).toEqual(['李四']);
    expect(await coveredBy(em, wang, day('2026-07-03'))).toEqual([]);
    expect(await endDelegations(em, { fromPersonId: zhang, kind: 'stand_in', by: 'admin' }, day('2026-07-04'))).toBe(1);
    expect(await coversOf(em, zhang, day('2026-07-05'))).toEqual([]);
    const audit = await db.sql<{ action: string; actor_label: string }>(
      `select action, actor_label from audit_event where action like 'delegation.%' order by id`,
    );
    expect(audit.map((a) => a.action)).toEqual([
      'delegation.stand_in',
      'delegation.stand_in',
      'delegation.stand_in.end',
    ]);
    expect(audit.at(-1)?.actor_label).toBe('admin');
  });

  it('refuses oneself, a stand-in without an end, and an end in the past, changing nothing', async () => {
    const em = db.orm.em.fork();
    const before = await db.sql(`select count(*)::int as n from delegation`);
    const now = day('2026-07-10');
    const attempts = [
      { fromPersonId: li, toPersonId: li, kind: 'authorised' as const, by: '李四' },
      { fromPersonId: li, toPersonId: wang, kind: 'stand_in' as const, by: '李四' },
      { fromPersonId: li, toPersonId: wang, kind: 'stand_in' as const, endsAt: day('2026-07-01'), by: '李四' },
    ];
    const codes = [];
    for (const a of attempts) codes.push(await grantDelegation(em, a, now).catch((e: DelegationError) => e.code));
    expect(codes).toEqual(['self', 'no_end', 'ends_in_past']);
    expect(await db.sql(`select count(*)::int as n from delegation`)).toEqual(before);
  });

  it('an authorisation lasts until cancelled and signs decisions with the supervisor named', async () => {
    const em = db.orm.em.fork();
    await grantDelegation(
      em,
      { fromPersonId: li, toPersonId: zhang, kind: 'authorised', by: '李四' },
      day('2026-06-01'),
    );
    const covered = await coveredBy(em, zhang, day('2027-06-01'));
    expect(covered.map((c) => [c.name, c.kind])).toEqual([['李四', 'authorised']]);
    expect(actingLabel('张三', covered[0]!)).toBe('张三（受李老师授权）');
    expect(actingLabel('王五', { name: '张三', kind: 'stand_in' })).toBe('王五（代 张三）');
  });
});
