// Scenario B: one decide() call as an admin passing a step for every student of the season (chunked transactions inside).
import { decide } from '../src/decisions/decide.ts';
import { studentNo } from '../test/support/season.ts';
import type { BenchDb } from './bench-db.ts';
import type { ScenarioResult } from './result.ts';
import { fmt } from './stats.ts';
import { formatOutcomes, newTally, record } from './tally.ts';
import { verifyStep, printVerification } from './verify.ts';

export async function batchPass(db: BenchDb, stepKey: string, students: number): Promise<ScenarioResult> {
  console.log(`\n== B. batch pass: one decide() call, admin, step ${stepKey}, ${students} students`);
  const items = Array.from({ length: students }, (_, i) => ({ studentNo: studentNo(i) }));
  const t0 = performance.now();
  const rows = await decide(db.orm.em.fork(), db.wf, {
    actor: { kind: 'admin', label: 'bench' },
    stepKey,
    decision: 'pass',
    source: 'admin',
    items,
  });
  const wallMs = performance.now() - t0;
  const tally = newTally();
  for (const r of rows) record(tally, r.studentNo, r.outcome);
  const perSec = rows.length / (wallMs / 1000);
  console.log(`  answers: ${formatOutcomes(tally)}`);
  console.log(`  total: ${fmt(wallMs, 0)} ms, ${fmt(perSec, 0)} rows/s`);
  const verification = await verifyStep(db, stepKey, tally, { distinct: students, duplicates: 0 });
  printVerification(verification);
  return {
    label: 'B batch pass (decide)',
    step: stepKey,
    unit: 'rows',
    count: rows.length,
    wallMs,
    perSec,
    verification,
  };
}
