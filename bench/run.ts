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
import { studentNo } from '../test/support/season.ts';
import { fmt } from './stats.ts';
import { tapSequence, tapSequenceOf } from './workload.ts';
import { baselineUpdates } from './scenario-baseline.ts';
import { apiReturns, gatePasses } from './scenario-slow-paths.ts';
import { printRatios } from './ratios.ts';
import { busiestMorning, MORNING } from './scenario-morning.ts';
import { statusQuestions } from './scenario-status.ts';
import { startChangeDrain } from '../src/queue/drain-changes.ts';
import { createLogger } from '../src/log.ts';

async function morningOnItsOwn(size: 'full' | 'short'): Promise<ScenarioResult> {
  const scratch = await scratchDatabase();
  const db = await openBenchDb(scratch.url, S.poolMax);
  try {
    return await busiestMorning(db, MORNING[size], `H busiest morning (${size})`);
  } finally {
    await db.close();
    await scratch.drop();
  }
}

async function main(): Promise<number> {
  let scratch: ScratchDb | undefined;
  let db: BenchDb | undefined;
  let drain: { stop: () => Promise<void> } | undefined;
  let code = 0;
  const loadAtStart = os.loadavg();
  try {
    console.log(`host: ${os.cpus().length} CPUs, ${os.cpus()[0]?.model.trim() ?? 'unknown'}, Node ${process.version}`);
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
    // The slow paths need students the main sequence leaves pending (returns) or has passed everywhere (the gate).
    const mainSet = new Set(taps.map((t) => t.studentNo));
    const untouched = Array.from({ length: S.students }, (_, i) => studentNo(i)).filter((n) => !mainSet.has(n));
    const tappedOnce = taps.filter((t) => !t.duplicate).map((t) => t.studentNo);
    const half = Math.floor(tappedOnce.length / 2);
    const slow = {
      returns: tapSequenceOf(untouched.slice(0, S.slowPaths.students), S.duplicateRatio, S.seed + 1),
      returnsRated: tapSequenceOf(
        untouched.slice(S.slowPaths.students, 2 * S.slowPaths.students),
        S.duplicateRatio,
        S.seed + 2,
      ),
      gate: tapSequenceOf(tappedOnce.slice(0, half), S.duplicateRatio, S.seed + 3),
      gateRated: tapSequenceOf(tappedOnce.slice(half), S.duplicateRatio, S.seed + 4),
    };
    const results: ScenarioResult[] = [];
    // BENCH_ONLY=A,D2 runs just those scenarios (by the letter and number their label starts with).
    const only = process.env.BENCH_ONLY?.split(',').map((x) => x.trim());
    const want = (label: string) => !only || only.includes(label.split(' ')[0]!);
    const scenarios: [string, () => Promise<ScenarioResult>][] = [
      [
        'Z baseline: bare Koa + one prepared UPDATE',
        () =>
          baselineUpdates(db!, S.baselineStep, S.poolMax, taps, {
            ...opts,
            label: 'Z baseline: bare Koa + one prepared UPDATE',
          }),
      ],
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
      [
        'R api returns with a reason, capacity',
        () =>
          apiReturns(db!, S.slowPaths.returnStep, slow.returns, {
            ...opts,
            label: 'R api returns with a reason, capacity',
          }),
      ],
      [
        `R2 api returns at ${S.slowPaths.rate}/s`,
        () =>
          apiReturns(db!, S.slowPaths.returnRatedStep, slow.returnsRated, {
            ...opts,
            rate: S.slowPaths.rate,
            label: `R2 api returns at ${S.slowPaths.rate}/s`,
          }),
      ],
      // Last of the tap scenarios: they pass every other step of the students they use.
      [
        'K final-gate passes with revokes, capacity',
        () =>
          gatePasses(db!, slow.gate, {
            ...opts,
            revokeEveryMs: S.slowPaths.revokeEveryMs,
            revokeStep: S.slowPaths.revokeStep,
            label: 'K final-gate passes with revokes, capacity',
          }),
      ],
      [
        `K2 final-gate passes at ${S.slowPaths.rate}/s`,
        () =>
          gatePasses(db!, slow.gateRated, {
            ...opts,
            rate: S.slowPaths.rate,
            revokeEveryMs: S.slowPaths.revokeEveryMs,
            revokeStep: S.slowPaths.revokeStep,
            label: `K2 final-gate passes at ${S.slowPaths.rate}/s`,
          }),
      ],
    ];
    for (const [label, run] of scenarios) if (want(label)) results.push(await run());
    if (want('P purge'))
      results.push(await purgeDuringTaps(db, { oldStudents: 20_000, current: S.students, rate: 100 }));
    // Last: it grows the season to 20,000 students.
    if (want('F digest')) results.push(...(await digestSeason(db, 20_000)));
    // H on a season of its own, with the worker and both platforms on: `--short` for a run of a few minutes.
    if (want('H busiest')) results.push(await morningOnItsOwn(process.argv.includes('--short') ? 'short' : 'full'));

    printRatios(results);
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
