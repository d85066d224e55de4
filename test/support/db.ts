// A fresh, migrated database per test file, copied from the run's template; dropped afterwards.
import { inject } from 'vitest';
import pg from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import { openOrm } from '../../src/db/orm.ts';
import { loadWorkflow } from '../../src/workflow/load.ts';
import type { Workflow } from '../../src/workflow/schema.ts';
import { withDatabase } from './global-setup.ts';

export interface TestDb {
  url: string;
  orm: MikroORM;
  wf: Workflow;
  /** a small pool of its own, for assertions and for what takes a pool (drainChanges) */
  pool: pg.Pool;
  /** run SQL directly, for assertions */
  sql: <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;
  close: () => Promise<void>;
}

let counter = 0;

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function freshDb(poolMax = 10): Promise<TestDb> {
  const name = `lixiao_t_${process.pid}_${Date.now()}_${counter++}`;
  await admin((c) => c.query(`create database ${name} template ${inject('templateDb')}`));
  const url = withDatabase(inject('pgAdminUrl'), name);
  return wrapDb(url, await openOrm(url, poolMax), () =>
    admin((c) => c.query(`drop database if exists ${name} with (force)`)),
  );
}

/** A handle on a migrated database: the ORM, a small pool for assertions, and a close that runs `afterClose`. */
export function wrapDb(url: string, orm: MikroORM, afterClose: () => Promise<unknown> = async () => {}): TestDb {
  // The tests' own SQL (assertions, setting a job due) runs at READ COMMITTED whatever the role's default: the suite
  // also runs as roles defaulting to repeatable read and serializable, to test the service's code, not this helper's.
  const pool = new pg.Pool({
    connectionString: url,
    max: 2,
    options: '-c default_transaction_isolation=read\\ committed',
  });
  // An idle connection still closing when the test database is dropped (with force) is told 57P01: nothing to report,
  // and without a listener the pool would make it an unhandled error that fails the run.
  pool.on('error', () => undefined);
  return {
    url,
    orm,
    wf: loadWorkflow(),
    pool,
    sql: async (text, params) => (await pool.query(text, params as unknown[])).rows,
    close: async () => {
      await pool.end();
      await orm.close();
      await afterClose();
    },
  };
}
