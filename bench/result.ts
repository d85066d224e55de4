// What each scenario hands back for printing and the final summary: counts, timing, latency and its verification.
import type { LatencySummary } from './stats.ts';
import type { Verification } from './verify.ts';
import type { CpuUse } from './cpu-use.ts';

export interface ScenarioResult {
  label: string;
  step: string;
  /** what `count` counts: requests (taps) or rows (a batch) */
  unit: 'requests' | 'rows';
  count: number;
  wallMs: number;
  perSec: number;
  /** per-request latency, for tap scenarios */
  latency?: LatencySummary;
  /** CPU during the measured run, for HTTP scenarios */
  cpu?: CpuUse;
  verification: Verification;
}
