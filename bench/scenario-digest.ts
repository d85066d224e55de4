// Scenario F: the season grows to 20,000 students; the daily digest and the reminders are computed and queued, timed.
import { importStudents } from '../src/imports/students.ts';
import { jobNamed } from '../handlers/index.ts';
import { runJob } from '../handlers/jobs/run-job.ts';
import { addDays, localDate } from '../src/time.ts';
import { COLLEGES, CAMPUSES } from '../test/support/season.ts';
import type { BenchDb } from './bench-db.ts';
import type { ScenarioResult } from './result.ts';
import { fmt } from './stats.ts';
import type { Check } from './verify.ts';

const TZ = 'Asia/Shanghai';

export async function digestSeason(db: BenchDb, total: number): Promise<ScenarioResult[]> {
  const [row] = await db.sql<{ n: number }>('select count(*)::int as n from student');
  const have = row!.n;
  console.log(`\n== F. digests and reminders on a season of ${total} students (adding ${total - have})`);
  const lines = ['student_no,name,college,campus,deadline'];
  const today = localDate(new Date(), TZ);
  for (let i = have; i < total; i++)
    lines.push(
      `2025${String(i).padStart(6, '0')},学生${i},${COLLEGES[i % 3]},${CAMPUSES[i % 3]},${addDays(today, (i % 40) - 10)}`,
    );
  const t0 = performance.now();
  await importStudents(db.orm.em.fork(), db.wf, lines.join('\n'), 'more.csv');
  console.log(`  imported in ${fmt(performance.now() - t0, 0)} ms`);
  const deps = { orm: db.orm, wf: db.wf, timeZone: TZ, publicUrl: 'http://x', platforms: ['console' as const] };
  const results: ScenarioResult[] = [];
  for (const [name, label] of [
    ['digest', 'F digest, 20k season'],
    ['remind', 'F2 reminders, 20k season'],
  ] as const) {
    await db.sql(
      `delete from graphile_worker._private_jobs where task_id in (select id from graphile_worker._private_tasks where identifier = 'send_card')`,
    );
    const t = performance.now();
    const run = await runJob(
      jobNamed(name)!,
      {
        em: db.orm.em.fork(),
        wf: db.wf,
        timeZone: TZ,
        now: new Date(),
        deps,
        settings: { remindDays: [7, 3, 1], nearDays: 3 },
      },
      'bench',
    );
    const wallMs = performance.now() - t;
    const queued = run.ran ? Number(run.result.queued) : -1;
    const [q] = await db.sql<{ n: number }>(
      `select count(*)::int as n from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id where t.identifier = 'send_card'`,
    );
    const checks: Check[] = [
      { name: 'the job ran for its slot', ok: run.ran, detail: String(run.ran) },
      { name: 'sends queued = sends reported', ok: q!.n === queued, detail: `${q!.n} (expected ${queued})` },
      { name: 'something was due', ok: queued > 0, detail: String(queued) },
    ];
    for (const c of checks) console.log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}: ${c.detail}`);
    console.log(`  ${label}: ${queued} cards queued in ${fmt(wallMs, 0)} ms`);
    results.push({
      label,
      step: '-',
      unit: 'rows',
      count: queued,
      wallMs,
      perSec: queued / (wallMs / 1000),
      verification: { lost: 0, doubled: 0, unacknowledged: 0, late: 0, checks, ok: checks.every((c) => c.ok) },
    });
  }
  return results;
}
