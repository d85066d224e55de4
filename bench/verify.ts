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
  /** passed in the database without an applied acknowledgement (answered late, or not at all) */
  unacknowledged: number;
  /** answered "still working" at the platform's deadline, the card updated when the decision was made */
  late: number;
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

export async function verifyStep(
  db: BenchDb,
  stepKey: string,
  tally: Tally,
  expected: Expected,
): Promise<Verification> {
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
  const late = count(tally, 'late');
  const other = tally.answered - applied - already - late - tally.errors.length;
  const twice = ackedTwice(tally);
  const eq = (name: string, got: number, want: number): Check => ({
    name,
    ok: got === want,
    detail: `${got} (expected ${want})`,
  });
  const checks: Check[] = [
    eq('requests/rows that failed', tally.errors.length, 0),
    eq('outcomes other than applied / already_decided / late', other, 0),
    eq('students acknowledged as applied twice', twice, 0),
    eq('acknowledged students that are passed', c.passed_acked, acked.length),
    eq(`passed clearances on ${stepKey} (every student tapped, once)`, c.passed, expected.distinct),
    eq(`audit_event pass/applied rows on ${stepKey}`, c.audit_rows, c.passed),
    eq('distinct students in those audit rows', c.audit_students, c.passed),
    // Answered in time, each row says exactly what happened; a late answer ("still working") says so only later, on the card.
    ...(late
      ? []
      : [
          eq('distinct students acknowledged as applied', acked.length, expected.distinct),
          eq('rows answered already_decided (the duplicates)', already, expected.duplicates),
        ]),
  ];
  return {
    lost: acked.length - c.passed_acked,
    doubled: twice + (c.audit_rows - c.audit_students),
    unacknowledged: c.passed - c.passed_acked,
    late,
    checks,
    ok: checks.every((x) => x.ok),
  };
}

export function printVerification(v: Verification): void {
  for (const x of v.checks) console.log(`  ${x.ok ? 'ok  ' : 'FAIL'} ${x.name}: ${x.detail}`);
  console.log(
    `  lost: ${v.lost}, doubled: ${v.doubled}, answered late: ${v.late}, passed without an applied answer: ${v.unacknowledged} -> ${v.ok ? 'OK' : 'FAILED'}`,
  );
}
