// The process's Prometheus metrics (prom-client) and the one-line hooks the rest of the code calls to feed them.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Names follow https://prometheus.io/docs/practices/naming/: `lixiao_` prefix, `_total` counters, `_seconds` units. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

const decisions = new Counter({
  name: 'lixiao_decisions_total',
  help: 'Decision rows by step, source (card, list, rule, api, admin) and outcome (applied, already_decided, denied, ...)',
  labelNames: ['step', 'source', 'outcome'] as const,
  registers: [registry],
});

const taps = new Counter({
  name: 'lixiao_taps_total',
  help: 'Card taps handled, by platform and result (answered, failed)',
  labelNames: ['platform', 'result'] as const,
  registers: [registry],
});

const tapSeconds = new Histogram({
  name: 'lixiao_tap_duration_seconds',
  help: 'Time from a card tap reaching the handlers to its answer, by platform',
  labelNames: ['platform'] as const,
  // Feishu answers a tap within 3 s, WeCom 5 s: the buckets resolve both the usual few ms and the deadline
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.3, 3, 5],
  registers: [registry],
});

const refused = new Counter({
  name: 'lixiao_inbound_refused_total',
  help: 'Platform requests refused or ignored, by platform and reason (bad_signature, stale, replayed, bad_token, malformed)',
  labelNames: ['platform', 'reason'] as const,
  registers: [registry],
});

const sends = new Counter({
  name: 'lixiao_outbound_sends_total',
  help: 'Outbound platform API calls by platform, operation and result (ok, rate_limited, error)',
  labelNames: ['platform', 'op', 'result'] as const,
  registers: [registry],
});

const quotaWaits = new Counter({
  name: 'lixiao_quota_waits_total',
  help: 'Outbound calls that waited for a rate-limit token before going out, by platform',
  labelNames: ['platform'] as const,
  registers: [registry],
});

const quotaWaitSeconds = new Counter({
  name: 'lixiao_quota_wait_seconds_total',
  help: 'Time outbound calls spent waiting for rate-limit tokens, by platform',
  labelNames: ['platform'] as const,
  registers: [registry],
});

const rateLimited = new Counter({
  name: 'lixiao_rate_limited_total',
  help: 'Answers of a platform saying we are over its quota (HTTP 429, Feishu 99991400, WeCom 45009 / 45033)',
  labelNames: ['platform'] as const,
  registers: [registry],
});

const cronRuns = new Counter({
  name: 'lixiao_cron_runs_total',
  help: 'Scheduled job runs by job and result (ran, skipped: claimed by another instance, failed)',
  labelNames: ['job', 'result'] as const,
  registers: [registry],
});

/** Gauges read from the database or the pool at scrape time (src/metrics/scrape.ts). */
export const gauges = {
  scrapeFailures: new Counter({
    name: 'lixiao_metrics_database_errors_total',
    help: 'Scrapes whose database reads (queue, change outbox) failed: those gauges kept their previous values',
    registers: [registry],
  }),
  queueDepth: new Gauge({
    name: 'lixiao_job_queue_depth',
    help: 'Jobs waiting in the queue (graphile-worker), by task',
    labelNames: ['task'] as const,
    registers: [registry],
  }),
  queueAge: new Gauge({
    name: 'lixiao_job_queue_oldest_age_seconds',
    help: 'Age of the oldest job waiting in the queue, by task',
    labelNames: ['task'] as const,
    registers: [registry],
  }),
  outboxDepth: new Gauge({
    name: 'lixiao_change_outbox_depth',
    help: 'Clearance changes decided but not yet handed to the job queue',
    registers: [registry],
  }),
  outboxAge: new Gauge({
    name: 'lixiao_change_outbox_oldest_age_seconds',
    help: 'Age of the oldest change not yet handed to the job queue',
    registers: [registry],
  }),
  poolInUse: new Gauge({
    name: 'lixiao_db_pool_in_use',
    help: 'Database connections of the pool lent out, by pool',
    labelNames: ['pool'] as const,
    registers: [registry],
  }),
  poolIdle: new Gauge({
    name: 'lixiao_db_pool_idle',
    help: 'Database connections of the pool open and idle, by pool',
    labelNames: ['pool'] as const,
    registers: [registry],
  }),
  poolWaiting: new Gauge({
    name: 'lixiao_db_pool_waiting',
    help: 'Requests waiting for a database connection, by pool',
    labelNames: ['pool'] as const,
    registers: [registry],
  }),
};

export type RefusalReason = 'bad_signature' | 'stale' | 'replayed' | 'bad_token' | 'malformed';

/** The hooks: each is one call at the place where the thing happens. */
export const metrics = {
  decided(step: string, source: string, outcomes: { outcome: string }[]): void {
    for (const r of outcomes) decisions.inc({ step, source, outcome: r.outcome });
  },
  /** Times a tap; the returned promise is the tap's own. */
  async tap<T>(platform: string, work: Promise<T>): Promise<T> {
    const stop = tapSeconds.startTimer({ platform });
    try {
      const out = await work;
      taps.inc({ platform, result: 'answered' });
      return out;
    } catch (e) {
      taps.inc({ platform, result: 'failed' });
      throw e;
    } finally {
      stop();
    }
  },
  refused(platform: string, reason: RefusalReason): void {
    refused.inc({ platform, reason });
  },
  sent(platform: string, op: string, result: 'ok' | 'rate_limited' | 'error'): void {
    sends.inc({ platform, op, result });
    if (result === 'rate_limited') rateLimited.inc({ platform });
  },
  /** A wait for rate-limit tokens; waits under a millisecond are not waits. */
  quotaWaited(platform: string, seconds: number): void {
    if (seconds < 0.001) return;
    quotaWaits.inc({ platform });
    quotaWaitSeconds.inc({ platform }, seconds);
  },
  async cronRun<T extends { ran: boolean }>(job: string, run: Promise<T>): Promise<T> {
    try {
      const out = await run;
      cronRuns.inc({ job, result: out.ran ? 'ran' : 'skipped' });
      return out;
    } catch (e) {
      cronRuns.inc({ job, result: 'failed' });
      throw e;
    }
  },
};

/** A refusal message of either platform's checks -> its reason label. */
export function refusalReason(why: string): RefusalReason {
  if (/signature/i.test(why)) return 'bad_signature';
  if (/timestamp|window/i.test(why)) return 'stale';
  if (/token|decrypt|corp/i.test(why)) return 'bad_token';
  return 'malformed';
}
