// Decisions under a role whose default isolation is REPEATABLE READ or SERIALIZABLE: the gate still holds, and
// serialization failures never reach the caller.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { openOrm } from '../src/db/orm.ts';
import { decide } from '../src/decisions/decide.ts';
import type { DecisionRequest } from '../src/decisions/types.ts';
import { withDatabase } from './support/global-setup.ts';
import { wrapDb, type TestDb } from './support/db.ts';
import { seedSeason, studentNo } from './support/season.ts';

const admin = { kind: 'admin' as const, label: 'setup' };

async function asAdmin<T>(work: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await c.connect();
  try {
    return await work(c);
  } finally {
    await c.end();
  }
}

/** A role of our own with `level` as its default, and a database of our own that it connects to. */
async function dbWithDefault(level: string): Promise<TestDb> {
  const name = `lixiao_iso_${level.replace(' ', '_')}_${process.pid}_${Date.now()}`;
  await asAdmin(async (c) => {
    // a password, so that a server asking for one (the embedded PostgreSQL) lets it in as well as a trust one
    await c.query(`create role ${name} login superuser password '${name}'`);
    await c.query(`alter role ${name} set default_transaction_isolation = '${level}'`);
    await c.query(`create database ${name} template ${inject('templateDb')} owner ${name}`);
  });
  const url = new URL(withDatabase(inject('pgAdminUrl'), name));
  url.username = name;
  url.password = name;
  return wrapDb(url.toString(), await openOrm(url.toString()), () =>
    asAdmin(async (c) => {
      await c.query(`drop database if exists ${name} with (force)`);
      await c.query(`drop role if exists ${name}`);
    }),
  );
}

describe.each(['repeatable read', 'serializable'])('a role whose default isolation is %s', (level) => {
  let db: TestDb;
  const em = () => db.orm.em.fork();
  const run = (req: Omit<DecisionRequest, 'source' | 'actor'>) =>
    decide(em(), db.wf, { actor: admin, source: 'admin', ...req });

  beforeAll(async () => {
    db = await dbWithDefault(level);
    await seedSeason(db, 8);
  });
  afterAll(() => db?.close());

  it('really is the default of the connections', async () => {
    const [row] = await em().execute<{ transaction_isolation: string }[]>('show transaction_isolation');
    expect(row!.transaction_isolation).toBe(level);
  });

  it('a revoke waiting behind the 研工办 pass reads it, and refuses: never a step re-opened under a passed 研工办', async () => {
    const broken: string[] = [];
    for (let round = 0; round < 20; round++) {
      const no = studentNo(round % 5);
      await run({ stepKey: 'grad_office', decision: 'revoke', items: [{ studentNo: no }] });
      for (const s of db.wf.steps.filter((s) => s.key !== 'grad_office'))
        await run({ stepKey: s.key, decision: 'pass', items: [{ studentNo: no }] });
      const [pass, revoke] = await Promise.all([
        run({ stepKey: 'grad_office', decision: 'pass', items: [{ studentNo: no }] }),
        run({ stepKey: 'library', decision: 'revoke', items: [{ studentNo: no }] }),
      ]);
      // exactly one of them lands; the other is refused with a reason
      expect([pass[0]!.outcome, revoke[0]!.outcome].sort()).toEqual(
        pass[0]!.outcome === 'applied' ? ['applied', 'invalid'] : ['applied', 'gate_closed'],
      );
      const rows = await db.sql<{ step_key: string; status: string }>(
        `select c.step_key, c.status from clearance c join student s on s.id = c.student_id
          where s.student_no = $1 and step_key in ('grad_office', 'library')`,
        [no],
      );
      const st = Object.fromEntries(rows.map((r) => [r.step_key, r.status]));
      if (st.grad_office === 'passed' && st.library !== 'passed') broken.push(`round ${round}: ${JSON.stringify(st)}`);
    }
    expect(broken).toEqual([]);
  });

  it('30 concurrent passes of one clearance: one applied, the others told who decided, no error', async () => {
    const no = studentNo(6);
    const all = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        decide(em(), db.wf, {
          actor: { kind: 'admin', label: `admin-${i}` },
          stepKey: 'hospital',
          decision: 'pass',
          source: 'admin',
          items: [{ studentNo: no }],
        }),
      ),
    );
    const outcomes = all.map(([r]) => r!.outcome);
    expect(outcomes.filter((o) => o === 'applied')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'already_decided')).toHaveLength(29);
    const winner = all.find(([r]) => r!.outcome === 'applied')![0]!.decidedBy;
    expect(all.every(([r]) => r!.decidedBy === winner)).toBe(true);
  });
});
