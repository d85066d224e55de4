// Runs a tap workload through any single-tap function: warm-up on unknown students, then the measured closed loop, tallied.
import { closedLoop, latencies, openLoop, type LoopRun } from './closed-loop.ts';
import { loadFromThread, type LoadAnswer, type PreparedRequest } from './thread-load.ts';
import { fmt, formatLatency, summarize, type LatencySummary } from './stats.ts';
import type { BenchDb } from './bench-db.ts';
import type { ScenarioResult } from './result.ts';
import { printVerification, verifyStep, type Check, type Verification } from './verify.ts';
import { cpuMark, cpuSince, type CpuUse } from './cpu-use.ts';
import { formatOutcomes, newTally, record, recordError, type Tally } from './tally.ts';
import { racedDuplicates, type Tap } from './workload.ts';

/** One student per call; resolves to that student's row outcome. */
export type TapFn = (studentNo: string) => Promise<{ outcome: string }>;

export interface TapRun {
  tally: Tally;
  latency: LatencySummary;
  wallMs: number;
  perSec: number;
  /** duplicates sent while an earlier tap for the same student was still in flight */
  raced: number;
  /** CPU during the measured run (HTTP runs only) */
  cpu?: CpuUse;
}

/** Unmeasured taps on student numbers that do not exist: they exercise the whole path but write nothing. */
async function warmUp(n: number, concurrency: number, fn: TapFn): Promise<void> {
  checkWarmUp(
    (
      await closedLoop(
        Array.from({ length: n }, (_, i) => `warmup${i}`),
        concurrency,
        fn,
      )
    ).results,
  );
}

function checkWarmUp(results: ({ outcome: string } | Error)[]): void {
  for (const r of results) {
    if (r instanceof Error) throw new Error(`warm-up tap failed: ${r.message}`);
    if (r.outcome !== 'unknown_student') throw new Error(`warm-up tap on an unknown student came back ${r.outcome}`);
  }
}

/** Closed loop at `concurrency`, or, with `rate`, an open loop sending that many taps a second. */
export interface Load {
  concurrency: number;
  rate?: number;
}

export async function runTaps(taps: readonly Tap[], load: Load, warmup: number, fn: TapFn): Promise<TapRun> {
  if (warmup > 0) await warmUp(warmup, load.concurrency, fn);
  const run = load.rate
    ? await openLoop(taps, load.rate, (t) => fn(t.studentNo))
    : await closedLoop(taps, load.concurrency, (t) => fn(t.studentNo));
  return tallied(taps, run);
}

/**
 * The same over HTTP, sent from a thread of its own (bench/thread-load.ts): the service's event loop then has its
 * core to itself, as it would in production. Requests are prepared before the clock starts and answers read after.
 */
export async function runHttpTaps(
  taps: readonly Tap[],
  load: Load,
  warmup: number,
  request: (studentNo: string) => PreparedRequest,
  outcome: (answer: LoadAnswer, studentNo: string) => { outcome: string },
): Promise<TapRun> {
  const toOutcomes = (names: readonly string[], run: LoopRun<LoadAnswer>): LoopRun<{ outcome: string }> => ({
    ...run,
    results: run.results.map((r, i) => {
      if (r instanceof Error) return r;
      try {
        return outcome(r, names[i]!);
      } catch (e) {
        return e as Error;
      }
    }),
  });
  const warmNames = Array.from({ length: warmup }, (_, i) => `warmup${i}`);
  const names = taps.map((t) => t.studentNo);
  const requests = names.map(request);
  let mark = cpuMark();
  const runs = await loadFromThread(
    { requests, concurrency: load.concurrency, rate: load.rate, warmup: warmNames.map(request) },
    () => (mark = cpuMark()),
  );
  if (runs.warmup) checkWarmUp(toOutcomes(warmNames, runs.warmup).results);
  return { ...tallied(taps, toOutcomes(names, runs.run)), cpu: cpuSince(mark) };
}

function tallied(taps: readonly Tap[], run: LoopRun<{ outcome: string }>): TapRun {
  const tally = newTally();
  run.results.forEach((r, i) =>
    r instanceof Error ? recordError(tally, r.message) : record(tally, taps[i]!.studentNo, r.outcome),
  );
  return {
    tally,
    latency: summarize(latencies(run)),
    wallMs: run.wallMs,
    perSec: taps.length / (run.wallMs / 1000),
    raced: racedDuplicates(taps, run.startMs, run.endMs),
  };
}

export function printTapRun(run: TapRun, taps: readonly Tap[]): void {
  const dups = taps.filter((t) => t.duplicate).length;
  console.log(
    `  sent ${taps.length} requests: ${taps.length - dups} distinct students + ${dups} duplicates (${run.raced} raced their original in flight)`,
  );
  console.log(`  answers: ${formatOutcomes(run.tally)}`);
  for (const e of run.tally.errors.slice(0, 5)) console.log(`  error: ${e}`);
}

/** Prints a tap run, checks it against the database and returns its summary row: the same ending for every tap scenario. */
export async function finishTapRun(
  db: BenchDb,
  stepKey: string,
  label: string,
  unit: string,
  run: TapRun,
  taps: readonly Tap[],
): Promise<ScenarioResult> {
  printTapRun(run, taps);
  console.log(`  latency: ${formatLatency(run.latency)}`);
  console.log(`  throughput: ${fmt(run.perSec)} ${unit}/s (${taps.length} ${unit} in ${fmt(run.wallMs, 0)} ms)`);
  if (run.cpu)
    console.log(
      `  cpu per request: ${formatCpu(run.cpu, taps.length)} (this process: service and load thread; postgres: every backend)`,
    );
  const duplicates = taps.filter((t) => t.duplicate).length;
  const verification = await verifyStep(db, stepKey, run.tally, { distinct: taps.length - duplicates, duplicates });
  printVerification(verification);
  return requestsResult(label, stepKey, run, taps.length, verification);
}

/** A request scenario's summary row from its run and its verification. */
export function requestsResult(
  label: string,
  step: string,
  run: TapRun,
  count: number,
  verification: Verification,
): ScenarioResult {
  return {
    label,
    step,
    unit: 'requests',
    count,
    wallMs: run.wallMs,
    perSec: run.perSec,
    latency: run.latency,
    cpu: run.cpu,
    verification,
  };
}

/** A verification from its checks: what was lost and doubled as counted by the scenario, nothing late. */
export function checked(checks: Check[], lost: number, doubled: number): Verification {
  return { lost, doubled, unacknowledged: 0, late: 0, checks, ok: checks.every((c) => c.ok) };
}

/** "process 1.90 ms + postgres 1.20 ms" per request. */
export function formatCpu(cpu: CpuUse, n: number): string {
  const pg = cpu.pgMs === null ? 'postgres not measured' : `postgres ${fmt(cpu.pgMs / n, 2)} ms`;
  return `process ${fmt(cpu.processMs / n, 2)} ms + ${pg}`;
}
