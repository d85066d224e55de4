// The benchmark's database handle: a migrated ORM plus a small pg pool for SQL checks, shaped like the tests' TestDb.
import { wrapDb, type TestDb } from '../test/support/db.ts';
import { migrate, openOrm } from '../src/db/orm.ts';
import { migrateQueue } from '../src/queue/worker.ts';
import { createLogger } from '../src/log.ts';

/** TestDb's shape, so that test/support/season.ts (seedSeason, actorFor) works on it unchanged. */
export type BenchDb = TestDb;

export async function openBenchDb(url: string, poolMax: number): Promise<BenchDb> {
  const orm = await openOrm(url, poolMax);
  try {
    await migrate(orm);
    await migrateQueue(url, createLogger('silent'));
  } catch (e) {
    await orm.close();
    throw e;
  }
  return wrapDb(url, orm);
}
