// The figures that survive a change of host: each HTTP scenario's throughput as a share of Z's, measured in the same run.
import type { ScenarioResult } from './result.ts';
import { fmt } from './stats.ts';

/** The targets: the integration API at half the bare endpoint's rate, Feishu taps at 0.4 of it. */
const TARGETS: Record<string, number> = { A: 0.5, D: 0.4 };

export function printRatios(results: readonly ScenarioResult[]): void {
  const baseline = results.find((r) => r.label.startsWith('Z '));
  if (!baseline) return;
  console.log(`\n== Ratios to Z (${fmt(baseline.perSec, 0)} requests/s, p99 ${fmt(baseline.latency?.p99 ?? NaN)} ms)`);
  for (const r of results) {
    const key = r.label.split(' ')[0]!;
    // Capacity runs only: a run at a fixed rate measures latency, its throughput is the rate it was offered.
    if (key === 'Z' || r.unit !== 'requests' || !r.cpu || r.label.includes(' at ')) continue;
    const ratio = r.perSec / baseline.perSec;
    const target = TARGETS[key];
    const verdict = target === undefined ? '' : `  target ${target}: ${ratio >= target ? 'met' : 'NOT met'}`;
    console.log(`  ${r.label.padEnd(48)} ${fmt(ratio, 2).padStart(5)}${verdict}`);
  }
}
