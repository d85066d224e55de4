// The closing report: the machine and database the run measured, and a compact table of every scenario.
import os from 'node:os';
import type { BenchDb } from './bench-db.ts';
import type { ScenarioResult } from './result.ts';
import type { SeedResult } from './seed.ts';
import { fmt } from './stats.ts';

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  postgres: string;
}

export async function machine(db: BenchDb): Promise<Machine> {
  const [v] = await db.sql<{ version: string }>('select version()');
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    node: process.version,
    postgres: v?.version ?? 'unknown',
  };
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}

const loads = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');

export interface RunInfo {
  dbMode: string;
  poolMax: number;
  concurrency: number;
  /** os.loadavg() when the run began: other work on the machine skews every figure */
  loadAtStart: number[];
}

export function printSummary(m: Machine, run: RunInfo, seeded: SeedResult, results: ScenarioResult[]): void {
  console.log('\n== Summary');
  console.log(
    `machine:  ${m.cpus} CPUs, ${m.cpuModel}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${m.node}`,
  );
  console.log(`database: ${m.postgres}`);
  console.log(`          ${run.dbMode}; ORM pool ${run.poolMax}, concurrency ${run.concurrency}`);
  console.log(`load:     1/5/15-min load average ${loads(run.loadAtStart)} at start, ${loads(os.loadavg())} at end`);
  console.log(
    `season:   ${seeded.students} students, ${seeded.clearances} clearances, seeded in ${fmt(seeded.ms, 0)} ms\n`,
  );
  const header = [
    'scenario',
    'step',
    'n',
    'total ms',
    'per s',
    'p50 ms',
    'p95 ms',
    'p99 ms',
    'max ms',
    'cpu ms/req',
    'late',
    'lost',
    'doubled',
    'check',
  ];
  const rows = results.map((r) => [
    r.label,
    r.step,
    `${r.count} ${r.unit === 'rows' ? 'rows' : 'req'}`,
    fmt(r.wallMs, 0),
    fmt(r.perSec, 0),
    fmt(r.latency?.p50 ?? Number.NaN),
    fmt(r.latency?.p95 ?? Number.NaN),
    fmt(r.latency?.p99 ?? Number.NaN),
    fmt(r.latency?.max ?? Number.NaN),
    r.cpu ? `${fmt(r.cpu.processMs / r.count, 2)}+${r.cpu.pgMs === null ? '?' : fmt(r.cpu.pgMs / r.count, 2)}` : '-',
    String(r.verification.late),
    String(r.verification.lost),
    String(r.verification.doubled),
    r.verification.ok ? 'ok' : 'FAILED',
  ]);
  for (const l of table(header, rows)) console.log(l);
}
