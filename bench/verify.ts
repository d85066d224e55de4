// After a scenario, checks by SQL that nothing was lost or doubled: clearances, audit rows and acknowledgements agree.
import type { BenchDb } from './bench-db.ts';
import { ackedStudents, ackedTwice, count, type Tally } from './tally.ts';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

export interface Verification {
  /** acknowledged as applied, yet not passed in the database */
  lost: number;
  /** acknowledged twice, or audited as applied twice */
  doubled: number;
  /** passed in the database without an applied acknowledgement */
  unacknowledged: number;
  checks: Check[];
  ok: boolean;
}

/** What the scenario should have been told: each distinct student applied once, each duplicate already_decided. */
export interface Expected {
  distinct: number;
  duplicates: number;
}

interface Counts {
  passed: number;
  passed_acked: number;
  audit_rows: number;
  audit_students: number;
}

export async function verifyStep(db: BenchDb, stepKey: string, tally: Tally, expected: Expected): Promise<Verification> {
  const acked = ackedStudents(tally);
  const [c] = await db.sql<Counts>(
    `select (select count(*) from clearance where step_key = $1 and status = 'passed')::int as passed,
            (select count(*) from clearance c join student s on s.id = c.student_id
              where c.step_key = $1 and c.status = 'passed' and s.student_no = any($2::text[]))::int as passed_acked,
            (select count(*) from audit_event where action = 'pass' and outcome = 'applied' and step_key = $1)::int as audit_rows,
            (select count(distinct student_id) from audit_event where action = 'pass' and outcome = 'applied' and step_key = $1)::int as audit_students`,
    [stepKey, acked],
  );
  if (!c) throw new Error('verification query returned no row');
  const applied = count(tally, 'applied');
  const already = count(tally, 'already_decided');
  const other = tally.answered - applied - already - tally.errors.length;
  const twice = ackedTwice(tally);
  const eq = (name: string, got: number, want: number): Check => ({ name, ok: got === want, detail: `${got} (expected ${want})` });
  const checks: Check[] = [
    eq('requests/rows that failed', tally.errors.length, 0),
    eq('outcomes other than applied / already_decided', other, 0),
    eq('distinct students acknowledged as applied', acked.length, expected.distinct),
    eq('students acknowledged as applied twice', twice, 0),
    eq('rows answered already_decided (the duplicates)', already, expected.duplicates),
    eq(`passed clearances on ${stepKey}`, c.passed, acked.length),
    eq(`audit_event pass/applied rows on ${stepKey}`, c.audit_rows, acked.length),
    eq('distinct students in those audit rows', c.audit_students, acked.length),
    eq('acknowledged students that are passed', c.passed_acked, acked.length),
  ];
  return {
    lost: acked.length - c.passed_acked,
    doubled: twice + (c.audit_rows - c.audit_students),
    unacknowledged: c.passed - c.passed_acked,
    checks,
    ok: checks.every((x) => x.ok),
  };
}

export function printVerification(v: Verification): void {
  for (const x of v.checks) console.log(`  ${x.ok ? 'ok  ' : 'FAIL'} ${x.name}: ${x.detail}`);
  console.log(`  lost: ${v.lost}, doubled: ${v.doubled}, unacknowledged: ${v.unacknowledged} -> ${v.ok ? 'OK' : 'FAILED'}`);
}
