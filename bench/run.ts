// The benchmark's entry (npm run bench): scratch database, seeded season, the three scenarios, checks, summary, cleanup.
import os from 'node:os';
import { openBenchDb, type BenchDb } from './bench-db.ts';
import { machine, printSummary } from './report.ts';
import type { ScenarioResult } from './result.ts';
import { batchPass } from './scenario-batch.ts';
import { directTaps } from './scenario-direct.ts';
import { httpTaps } from './scenario-http.ts';
import { feishuTaps } from './scenario-feishu.ts';
import { wecomTaps } from './scenario-wecom.ts';
import { digestSeason } from './scenario-digest.ts';
import { purgeDuringTaps } from './scenario-purge.ts';
import { scratchDatabase, type ScratchDb } from './scratch-db.ts';
import { seed } from './seed.ts';
import { SETTINGS as S } from './settings.ts';
import { fmt } from './stats.ts';
import { tapSequence } from './workload.ts';
import { statusQuestions } from './scenario-status.ts';
import { startChangeDrain } from '../src/queue/drain-changes.ts';
import { createLogger } from '../src/log.ts';

async function main(): Promise<number> {
  let scratch: ScratchDb | undefined;
  let db: BenchDb | undefined;
  let drain: { stop: () => Promise<void> } | undefined;
  let code = 0;
  const loadAtStart = os.loadavg();
  try {
    const t0 = performance.now();
    scratch = await scratchDatabase();
    console.log(`database: ${scratch.mode} (ready in ${fmt(performance.now() - t0, 0)} ms)`);
    db = await openBenchDb(scratch.url, S.poolMax);
    // The drain that turns decided changes into jobs runs beside the service, as in production (the worker that
    // would run those jobs against the platforms does not: that is work for later, not part of a tap).
    drain = startChangeDrain(db.pool, createLogger('warn'));
    const seeded = await seed(db, S.students);
    console.log(`seeded ${seeded.students} students and ${seeded.clearances} clearances in ${fmt(seeded.ms, 0)} ms`);

    const taps = tapSequence({
      students: S.students,
      distinct: S.distinctTaps,
      duplicateRatio: S.duplicateRatio,
      seed: S.seed,
    });
    const opts = { concurrency: S.concurrency, warmup: S.warmup };
    const results: ScenarioResult[] = [];
    // BENCH_ONLY=A,D2 runs just those scenarios (by the letter and number their label starts with).
    const only = process.env.BENCH_ONLY?.split(',').map((x) => x.trim());
    const want = (label: string) => !only || only.includes(label.split(' ')[0]!);
    const scenarios: [string, () => Promise<ScenarioResult>][] = [
      ['A http taps, capacity', () => httpTaps(db!, S.steps.http, taps, { ...opts, label: 'A http taps, capacity' })],
      ...S.rates.map((rate, i): [string, () => Promise<ScenarioResult>] => {
        const label = `A${i + 2} http taps at ${rate}/s`;
        return [label, () => httpTaps(db!, S.steps.rated[i]!, taps, { ...opts, rate, label })];
      }),
      ['B batch pass (decide)', () => batchPass(db!, S.steps.batch, S.students)],
      ['C decide() single taps', () => directTaps(db!, S.steps.direct, S.directActor, taps, opts)],
      [
        'D feishu card taps, capacity',
        () => feishuTaps(db!, S.steps.feishu, S.feishuTapper, taps, { ...opts, label: 'D feishu card taps, capacity' }),
      ],
      [
        `D2 feishu card taps at ${S.feishuRate}/s`,
        () =>
          feishuTaps(db!, S.steps.feishuRated, S.feishuRatedTapper, taps, {
            ...opts,
            rate: S.feishuRate,
            label: `D2 feishu card taps at ${S.feishuRate}/s`,
          }),
      ],
      [
        `D3 feishu card taps at ${S.feishuTarget.rate}/s (target)`,
        () =>
          feishuTaps(db!, S.feishuTarget.step, S.feishuTarget.tapper, taps, {
            ...opts,
            rate: S.feishuTarget.rate,
            label: `D3 feishu card taps at ${S.feishuTarget.rate}/s (target)`,
          }),
      ],
      [
        'G student status questions at 100/s',
        () => statusQuestions(db!, taps, { ...opts, rate: 100, label: 'G student status questions at 100/s' }),
      ],
      [
        'G2 student status questions, capacity',
        () => statusQuestions(db!, taps, { ...opts, label: 'G2 student status questions, capacity' }),
      ],
      [
        'E wecom card taps, capacity',
        () => wecomTaps(db!, 'student_work', 'admin-school', taps, { ...opts, label: 'E wecom card taps, capacity' }),
      ],
      [
        'E2 wecom card taps at 100/s',
        () =>
          wecomTaps(db!, 'academic_secretary', 'admin-school', taps, {
            ...opts,
            rate: 100,
            label: 'E2 wecom card taps at 100/s',
          }),
      ],
    ];
    for (const [label, run] of scenarios) if (want(label)) results.push(await run());
    if (want('P purge'))
      results.push(await purgeDuringTaps(db, { oldStudents: 20_000, current: S.students, rate: 100 }));
    // Last: it grows the season to 20,000 students.
    if (want('F digest')) results.push(...(await digestSeason(db, 20_000)));

    printSummary(
      await machine(db),
      { dbMode: scratch.mode, poolMax: S.poolMax, concurrency: S.concurrency, loadAtStart },
      seeded,
      results,
    );
    const target = results.find((r) => r.label.startsWith('D3 '));
    if (target?.latency) {
      const met = target.latency.p99 < 50 && target.perSec >= S.feishuTarget.rate * 0.98;
      console.log(
        `\ntarget: Feishu taps at ${S.feishuTarget.rate}/s with p99 < 50 ms: ${met ? 'met' : 'NOT met'} (${fmt(target.perSec, 0)} taps/s, p99 ${fmt(target.latency.p99)} ms)`,
      );
    }
    const failed = results.filter((r) => !r.verification.ok);
    if (failed.length) {
      console.error(`\nFAILED checks in: ${failed.map((r) => r.label).join(', ')}`);
      code = 1;
    }
  } catch (e) {
    console.error('\nbenchmark failed:', e);
    code = 1;
  } finally {
    for (const [what, step] of [
      ['stopping the change drain', () => drain?.stop()],
      ['closing the ORM', () => db?.close()],
      ['dropping the scratch database', () => scratch?.drop()],
    ] as const) {
      try {
        await step();
      } catch (e) {
        console.error(`cleanup: ${what} failed:`, e);
        code = 1;
      }
    }
  }
  return code;
}

process.exit(await main());
