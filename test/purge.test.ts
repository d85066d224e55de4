import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EntityManager } from '@mikro-orm/postgresql';
import { freshDb, type TestDb } from './support/db.ts';
import { COLLEGES, STAFF_CSV } from './support/season.ts';
import { importStudents } from '../src/imports/students.ts';
import { importStaff } from '../src/imports/staff.ts';
import { importList } from '../src/imports/lists.ts';
import { decide } from '../src/decisions/decide.ts';
import { progressReport } from '../src/reports/progress.ts';
import { purgeSeason, type KeptReport } from '../src/seasons/purge-season.ts';
import { SeasonError } from '../src/seasons/season-error.ts';

let db: TestDb;
const em = () => db.orm.em.fork();
const n = async (sql: string, params: unknown[] = []) => Number((await db.sql<{ n: string }>(sql, params))[0]!.n);
const role = `lixiao_app_${process.pid}`;
const csv = (prefix: string, count: number) =>
  [
    'student_no,name,college,campus,wecom_userid',
    ...Array.from({ length: count }, (_, i) => `${prefix}${i},生${prefix}${i},${COLLEGES[i % 3]},A区,u${prefix}${i}`),
  ].join('\n');
const admin = { kind: 'admin' as const, label: 'test' };

async function rejection(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(SeasonError);
  return e as Error;
}

beforeAll(async () => {
  db = await freshDb();
  await importStudents(em(), db.wf, csv('202500', 4), 'a.csv', { season: '2025' });
  await importStudents(em(), db.wf, csv('202600', 3), 'b.csv', { season: '2026' });
  await importStaff(em(), db.wf, STAFF_CSV, 'staff.csv');
  await importList(em(), db.wf, {
    step: 'loan',
    mode: 'block',
    text: 'student_no,reason,amount\n2025000,助学贷款未还清,1200\n2026000,助学贷款未还清,800\n',
    file: 'loan.csv',
    actorLabel: 'test',
  });
  await decide(em(), db.wf, {
    actor: admin,
    stepKey: 'finance',
    decision: 'return',
    source: 'admin',
    items: [{ studentNo: '2025001', reason: '学费欠 3456 元' }],
  });
  // One 2025 student clears every step, in workflow order (the graduate school office last).
  for (const step of db.wf.steps)
    await decide(em(), db.wf, {
      actor: admin,
      stepKey: step.key,
      decision: 'pass',
      source: 'admin',
      items: [{ studentNo: '2025003' }],
    });
});
afterAll(async () => {
  await db.sql(`drop owned by ${role}`).catch(() => undefined);
  await db.sql(`drop role if exists ${role}`);
  await db.close();
});

describe('lixiao purge --season', () => {
  it('refuses while students still have steps open, and changes nothing', async () => {
    const e = await rejection(purgeSeason(em(), db.wf, '2025'));
    expect(e.message).toBe('season 2025 still has 3 students with steps open; purge them too with --include-open');
    expect(
      await n("select count(*) as n from student s join season x on x.id = s.season_id where x.label = '2025'"),
    ).toBe(4);
  });

  it('refuses under the application role, which may neither lift the audit guard nor rewrite the trail', async () => {
    await db.sql(`create role ${role} nologin`);
    await db.sql(`grant usage on schema public, graphile_worker to ${role}`);
    await db.sql(`grant select, insert, update, delete on all tables in schema public to ${role}`);
    await db.sql(`revoke update, delete, truncate on audit_event from ${role}`);
    await db.sql(`grant all on all tables in schema graphile_worker to ${role}`);
    const asApp = (work: (t: EntityManager) => Promise<unknown>) =>
      em().transactional(async (t) => {
        await t.execute(`set local role ${role}`);
        return work(t);
      });
    const e = await rejection(asApp((t) => purgeSeason(t, db.wf, '2025', { includeOpen: true })));
    expect(e.message).toMatch(/must run as the owner of the tables/);
    const denied = await asApp((t) => t.execute("update audit_event set actor_label = 'forged'")).then(
      () => null,
      (x: { code?: string }) => x,
    );
    expect(denied?.code).toBe('42501');
    expect(
      await n(
        "select count(*) as n from student s join season x on x.id = s.season_id where x.label = '2025' and x.purged_at is null",
      ),
    ).toBe(4);
  });

  it('removes the season’s personal data, keeps its report and an anonymised trail, and leaves other seasons alone', async () => {
    const [{ id: seasonId }] = (await db.sql<{ id: number }>("select id from season where label = '2025'")) as [
      { id: number },
    ];
    const before = await progressReport(em(), db.wf, undefined, seasonId);
    const trail = await n('select count(*) as n from audit_event');
    const theirs = await n(
      "select count(*) as n from audit_event a join student s on s.id = a.student_id where s.student_no like '202500%'",
    );
    const other = await db.sql(
      "select c.step_key, c.status, c.amount from clearance c join student s on s.id = c.student_id where s.student_no like '202600%' order by c.id",
    );
    await db.sql(
      "insert into delivered_card (platform, message_id, person_id, kind, page, clearance_ids) select 'feishu', 'om_x', p.id, 'pending', 1, array(select c.id from clearance c join student s on s.id = c.student_id where s.student_no = '2025000') from person p where p.wecom_userid = 'loan'",
    );

    // A librarian's list showing a 2025 and a 2026 student keeps the 2026 row; API answers naming a 2025 student go.
    const mixed = (
      await db.sql<{ id: number }>(
        "select c.id from clearance c join student s on s.id = c.student_id where c.step_key = 'library' and s.student_no in ('2025002', '2026001') order by s.student_no",
      )
    ).map((r) => r.id);
    await db.sql(
      "insert into delivered_card (platform, message_id, person_id, kind, page, clearance_ids) select 'feishu', 'om_mixed', p.id, 'pending', 1, $1::int[] from person p where p.wecom_userid = 'library'",
      [mixed],
    );
    await db.sql(`insert into api_request (step_key, idempotency_key, request_hash, response) values
      ('library', 'k1', 'h', '{"results": [{"student_no": "2025002", "outcome": "applied"}]}'), ('library', 'k2', 'h', '{"results": [{"student_no": "2026001", "outcome": "applied"}]}')`);

    const s = await purgeSeason(em(), db.wf, '2025', { includeOpen: true });
    expect(s).toMatchObject({
      season: '2025',
      students: 4,
      open: 3,
      clearances: 4 * db.wf.steps.length,
      people: 4,
      cards: 2,
      auditAnonymised: theirs,
    });
    expect(await db.sql('select message_id, clearance_ids from delivered_card order by message_id')).toEqual([
      { message_id: 'om_mixed', clearance_ids: [mixed[1]] },
    ]);
    expect(await db.sql('select idempotency_key from api_request')).toEqual([{ idempotency_key: 'k2' }]);
    expect(theirs).toBeGreaterThan(db.wf.steps.length);

    expect(await n("select count(*) as n from student where student_no like '202500%'")).toBe(0);
    expect(await n("select count(*) as n from person where wecom_userid like 'u202500%'")).toBe(0);
    expect(await n("select count(*) as n from person where wecom_userid = 'loan'")).toBe(1);
    // The trail keeps every row (plus the purge's own), with no student and no reason or amount left in it.
    expect(await n('select count(*) as n from audit_event')).toBe(trail + 1);
    expect(
      await n(
        "select count(*) as n from audit_event where detail::text like '%3456%' or detail::text like '%1200%' or detail::text like '%2025001%'",
      ),
    ).toBe(0);
    expect(
      await n(
        "select count(*) as n from audit_event where action = 'return' and step_key = 'finance' and student_id is null",
      ),
    ).toBe(1);
    // The guard is back: the trail is append-only again.
    await expect(db.sql("update audit_event set actor_label = 'x'")).rejects.toThrow(/append-only/);

    const [kept] = await db.sql<{ report: KeptReport; purged_at: Date }>(
      "select report, purged_at from season where label = '2025'",
    );
    expect(kept!.purged_at).toBeInstanceOf(Date);
    expect(kept!.report.students).toBe(4);
    expect(kept!.report.rows).toEqual(before);
    const finance = before.filter((r) => r.step === 'finance');
    expect([
      finance.reduce((a, r) => a + r.passed, 0),
      finance.reduce((a, r) => a + r.returned, 0),
      finance.reduce((a, r) => a + r.pending, 0),
    ]).toEqual([1, 1, 2]);

    expect(
      await db.sql(
        "select c.step_key, c.status, c.amount from clearance c join student s on s.id = c.student_id where s.student_no like '202600%' order by c.id",
      ),
    ).toEqual(other);
  });

  it('cannot purge a season twice, nor import into a purged one', async () => {
    expect((await rejection(purgeSeason(em(), db.wf, '2025'))).message).toMatch(
      /^season 2025 was already purged on \d{4}-\d{2}-\d{2}$/,
    );
    expect((await rejection(purgeSeason(em(), db.wf, '2019'))).message).toBe('no season "2019"');
    expect(
      (await rejection(importStudents(em(), db.wf, csv('202500', 1), 'again.csv', { season: '2025' }))).message,
    ).toMatch(/^season 2025 was purged on/);
    expect(await n("select count(*) as n from student where student_no like '202500%'")).toBe(0);
  });

  it('puts an import without a season into the newest one not purged', async () => {
    expect(await importStudents(em(), db.wf, csv('202601', 1), 'late.csv')).toMatchObject({
      created: 1,
      season: '2026',
    });
    expect(
      (await rejection(importStudents(em(), db.wf, csv('202602', 1), 'x.csv', { season: 'bad/label' }))).message,
    ).toMatch(/must be 1-40 letters/);
  });
});
