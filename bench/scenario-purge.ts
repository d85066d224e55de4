// Scenario P: a closed season of 20,000 students is purged while the current season is being decided; taps are timed
// for as long as the purge runs (its transaction open), to show that it holds no lock that decisions wait for.
import { decide } from '../src/decisions/decide.ts';
import { importStudents } from '../src/imports/students.ts';
import { purgeSeason } from '../src/seasons/purge-season.ts';
import { actorFor, COLLEGES, CAMPUSES, studentNo } from '../test/support/season.ts';
import type { BenchDb } from './bench-db.ts';
import type { ScenarioResult } from './result.ts';
import { fmt, formatLatency, summarize } from './stats.ts';
import type { Check } from './verify.ts';

const OLD = 'bench-old';

export async function purgeDuringTaps(
  db: BenchDb,
  opts: { oldStudents: number; current: number; rate: number },
): Promise<ScenarioResult> {
  console.log(
    `\n== P. purge a closed season of ${opts.oldStudents} students while the current one is decided at ${opts.rate} taps/s`,
  );
  const fork = () => db.orm.em.fork();
  const numbers = Array.from({ length: opts.oldStudents }, (_, i) => `2019${String(i).padStart(6, '0')}`);
  const lines = ['student_no,name,college,campus,wecom_userid'];
  numbers.forEach((no, i) => lines.push(`${no},旧生${i},${COLLEGES[i % 3]},${CAMPUSES[i % 3]},old${i}`));
  let t = performance.now();
  await importStudents(fork(), db.wf, lines.join('\n'), 'old.csv', { season: OLD });
  // Its trail: a librarian's passes (decided_by_id: the people purged are checked against it) and finance's returns.
  const librarian = await actorFor(db, 'library');
  const items = numbers.map((studentNo) => ({ studentNo }));
  await decide(fork(), db.wf, { actor: librarian, stepKey: 'library', decision: 'pass', source: 'card', items });
  await decide(fork(), db.wf, {
    actor: { kind: 'admin', label: 'finance' },
    stepKey: 'finance',
    decision: 'return',
    source: 'admin',
    items: numbers.map((studentNo) => ({ studentNo, reason: '学费未缴清' })),
  });
  await db.sql('analyze');
  console.log(`  old season imported and decided in ${fmt(performance.now() - t, 0)} ms`);

  // Taps on the current season: 研工办 (the gate's path: the student's lock, then a refusal audited) and the hospital
  // (one statement), alternately, at a fixed rate: for 15 s without a purge, then from the moment the purge starts
  // until it has committed.
  const admin = { kind: 'admin' as const, label: 'bench' };
  const current = (i: number) => studentNo(i % opts.current);
  const tapWhile = async (running: () => boolean, t0: number, offset: number) => {
    const latencies: number[] = [];
    const answers = new Map<string, number>();
    const inFlight: Promise<void>[] = [];
    for (let i = 0; running(); i++) {
      const due = t0 + (i * 1000) / opts.rate;
      const wait = due - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      if (!running()) break;
      inFlight.push(
        decide(fork(), db.wf, {
          actor: admin,
          stepKey: i % 2 ? 'hospital' : 'grad_office',
          decision: 'pass',
          source: 'admin',
          items: [{ studentNo: current(i + offset) }],
        }).then(
          ([r]) => {
            latencies.push(performance.now() - due);
            answers.set(r!.outcome, (answers.get(r!.outcome) ?? 0) + 1);
          },
          (e: Error) => void answers.set(`error: ${e.message}`, (answers.get(`error: ${e.message}`) ?? 0) + 1),
        ),
      );
    }
    await Promise.all(inFlight);
    return { latencies, answers };
  };
  // The same taps for as long without a purge first: on a shared machine, the difference is the purge's.
  const start = performance.now();
  const baselineMs = 15_000;
  const before = await tapWhile(() => performance.now() - start < baselineMs, start, 0);
  console.log(`  without a purge, ${fmt(baselineMs / 1000, 0)} s: ${formatLatency(summarize(before.latencies))}`);
  // Backends of this database waiting for a lock, sampled every 50 ms while the purge runs.
  let lockWaits = 0;
  let samples = 0;
  let purgeMs = 0;
  let purgeDone = false;
  t = performance.now();
  const purging = purgeSeason(fork(), db.wf, OLD, { includeOpen: true }).finally(() => {
    purgeMs = performance.now() - t;
    purgeDone = true;
  });
  const sampling = (async () => {
    while (!purgeDone) {
      const [w] = await db.sql<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
      );
      samples++;
      lockWaits += w!.n;
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const { latencies, answers } = await tapWhile(() => !purgeDone, t, opts.current / 2);
  await sampling;
  const summary = await purging;
  const latency = summarize(latencies);
  const errors = [...answers.keys()].filter((k) => k.startsWith('error'));
  const checks: Check[] = [
    { name: 'the season was purged', ok: summary.students === opts.oldStudents, detail: String(summary.students) },
    { name: 'taps answered during the purge', ok: latencies.length > 0, detail: String(latencies.length) },
    { name: 'no tap failed', ok: errors.length === 0, detail: errors.join('; ') || '0' },
    {
      name: 'backends seen waiting for a lock during the purge',
      ok: lockWaits === 0,
      detail: `${lockWaits} in ${samples} samples`,
    },
  ];
  for (const c of checks) console.log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
  console.log(
    `  purge: ${fmt(purgeMs, 0)} ms (${summary.auditAnonymised} audit rows anonymised); taps meanwhile: ${formatLatency(latency)}; ` +
      [...answers].map(([k, n]) => `${k} ${n}`).join(', '),
  );
  return {
    label: `P taps at ${opts.rate}/s during a ${opts.oldStudents}-student purge`,
    step: 'grad_office+hospital',
    unit: 'requests',
    count: latencies.length,
    wallMs: purgeMs,
    perSec: latencies.length / (purgeMs / 1000),
    latency,
    verification: { lost: 0, doubled: 0, unacknowledged: 0, late: 0, checks, ok: checks.every((c) => c.ok) },
  };
}
