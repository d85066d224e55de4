// The benchmark's knobs: season size, tap workload, concurrency and pool size (BENCH_POOL_MAX overrides the pool).
export const SETTINGS = {
  /** students in the seeded season (each gets a clearance per workflow step) */
  students: 5000,
  /** distinct students tapped in the single-tap scenarios */
  distinctTaps: 2000,
  /** extra taps for students already sent, as a share of distinctTaps */
  duplicateRatio: 0.2,
  /** requests in flight at once (closed loop: the service's capacity) */
  concurrency: 50,
  /** arrival rates of the open-model runs (latency at a given load) */
  rates: [100, 300],
  /** unmeasured taps on unknown students before each tap scenario (no writes) */
  warmup: 100,
  /** the ORM's connection pool; 10 is the service's default (src/db/orm.ts) */
  poolMax: Number(process.env.BENCH_POOL_MAX ?? 10),
  /** seed of the workload's shuffle, so runs tap the same sequence */
  seed: 20261127,
  /** steps per scenario: each starts with every student pending on its step */
  steps: {
    http: 'library',
    batch: 'hospital',
    direct: 'loan',
    rated: ['grad_service', 'dormitory'],
    feishu: 'finance',
    feishuRated: process.env.BENCH_D2_STEP ?? 'campus_card',
  },
  /** the staff members (wecom_userid in STAFF_CSV) who tap the Feishu scenarios: school-wide handlers of those steps */
  feishuTapper: 'finance',
  feishuRatedTapper: process.env.BENCH_D2_TAPPER ?? 'card',
  /** the arrival rate of the open-model Feishu run */
  feishuRate: Number(process.env.BENCH_FEISHU_RATE ?? 100),
  /** the rate the service is meant to sustain at p99 < 50 ms (D3), and who taps it: a school admin, on the party step */
  feishuTarget: { rate: 500, step: 'party', tapper: 'admin-school' },
  /** scenario Z's step: a bare UPDATE passes it, then it is reset to pending for the final-gate scenarios */
  baselineStep: 'grad_office',
  /** the slow paths: returns (R) on students the main sequence leaves alone, final-gate passes (K) on the ones it passed */
  slowPaths: {
    students: 1200,
    returnStep: 'library',
    // the same step as R, on other students: every other step is some scenario's own (hospital is B's batch pass)
    returnRatedStep: 'library',
    rate: 100,
    revokeStep: 'library',
    revokeEveryMs: 50,
  },
  /** the staff member (wecom_userid in test/support/season.ts STAFF_CSV) who taps the direct scenario */
  directActor: 'loan',
} as const;
