// Seeds the benchmark season with the tests' own CSV shapes (students and staff roster), timed.
import type { BenchDb } from './bench-db.ts';
import { seedSeason } from '../test/support/season.ts';

export interface SeedResult {
  ms: number;
  students: number;
  clearances: number;
}

export async function seed(db: BenchDb, students: number): Promise<SeedResult> {
  const t0 = performance.now();
  await seedSeason(db, students);
  const ms = performance.now() - t0;
  const [n] = await db.sql<{ students: number; clearances: number }>(
    'select (select count(*) from student)::int as students, (select count(*) from clearance)::int as clearances',
  );
  if (n?.students !== students) throw new Error(`seeding made ${n?.students} students, not ${students}`);
  return { ms, students: n.students, clearances: n.clearances };
}
