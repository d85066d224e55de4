// Scenarios R and K, the slow paths: returns with a reason, and 研工办 passes at the final gate (a transaction, row
// locks and the gate read) while an operator now and then revokes a step of a student being passed.
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from '../bot/server.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { decide } from '../src/decisions/decide.ts';
import type { BenchDb } from './bench-db.ts';
import type { ScenarioResult } from './result.ts';
import { fmt, formatLatency } from './stats.ts';
import { checked, formatCpu, printTapRun, requestsResult, runHttpTaps, type TapRun } from './taps.ts';
import type { Check } from './verify.ts';
import type { Tap } from './workload.ts';

interface ApiAnswer {
  results?: { student_no: string; outcome: string }[];
}

interface Load {
  concurrency: number;
  warmup: number;
  rate?: number;
  label: string;
}

/** The integration API with one step's token, on a port of its own; `run` gets the decisions URL and the token. */
async function withApi<T>(db: BenchDb, stepKey: string, run: (url: string, token: string) => Promise<T>): Promise<T> {
  const token = randomBytes(16).toString('hex');
  const config = loadConfig({
    ...process.env,
    LIXIAO_API_TOKENS: `${stepKey}:${token}`,
    DATABASE_URL: db.url,
    LOG_LEVEL: 'silent',
  });
  const server: Server = createServer({ orm: db.orm, wf: db.wf, config, log: createLogger('silent') }).listen(
    0,
    '127.0.0.1',
  );
  await once(server, 'listening');
  try {
    return await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/decisions`, token);
  } finally {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
}

function apiTaps(url: string, token: string, taps: readonly Tap[], opts: Load, decision: object): Promise<TapRun> {
  const request = (studentNo: string) => ({
    url,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: Buffer.from(JSON.stringify({ decisions: [{ student_no: studentNo, ...decision }] })),
  });
  return runHttpTaps(taps, opts, opts.warmup, request, (res, studentNo) => {
    const row = (JSON.parse(res.text) as ApiAnswer).results?.[0];
    if (res.status !== 200 || !row) throw new Error(`HTTP ${res.status}: ${res.text.slice(0, 200)}`);
    if (row.student_no !== studentNo) throw new Error(`answer for ${row.student_no}, asked for ${studentNo}`);
    return row;
  });
}

function printRun(run: TapRun, taps: readonly Tap[]): void {
  printTapRun(run, taps);
  console.log(`  latency: ${formatLatency(run.latency)}`);
  console.log(`  throughput: ${fmt(run.perSec)} requests/s (${taps.length} in ${fmt(run.wallMs, 0)} ms)`);
  if (run.cpu) console.log(`  cpu per request: ${formatCpu(run.cpu, taps.length)}`);
}

/** `kept`: how many of the acknowledged decisions the database holds; the difference is what was lost. */
function result(
  label: string,
  step: string,
  run: TapRun,
  taps: readonly Tap[],
  kept: number,
  checks: Check[],
): ScenarioResult {
  for (const c of checks) console.log(`  check ${c.ok ? 'ok' : 'FAILED'}: ${c.name}: ${c.detail}`);
  const applied = run.tally.outcomes.get('applied') ?? 0;
  const doubled = [...run.tally.appliedAcks.values()].filter((n) => n > 1).length;
  return requestsResult(label, step, run, taps.length, checked(checks, Math.max(0, applied - kept), doubled));
}

const eq = (name: string, got: number, want: number): Check => ({
  name,
  ok: got === want,
  detail: `${got} (expected ${want})`,
});

/** R: every distinct student returned once with a reason, through the API; duplicates find it already decided. */
export async function apiReturns(
  db: BenchDb,
  stepKey: string,
  taps: readonly Tap[],
  opts: Load,
): Promise<ScenarioResult> {
  console.log(`\n== ${opts.label}: POST /api/v1/decisions return with a reason, step ${stepKey}`);
  const run = await withApi(db, stepKey, (url, token) =>
    apiTaps(url, token, taps, opts, { decision: 'return', reason: '图书逾期未还（基准测试）' }),
  );
  printRun(run, taps);
  const distinct = taps.filter((t) => !t.duplicate).length;
  // this run's students only: R and R2 return on the same step, each on students of its own
  const [c] = await db.sql<{ returned: number; audited: number }>(
    `with mine as (select id from student where student_no = any($2::text[]))
     select (select count(*) from clearance where step_key = $1 and status = 'returned' and reason is not null
               and student_id in (select id from mine))::int as returned,
            (select count(*) from audit_event where action = 'return' and outcome = 'applied' and step_key = $1
               and student_id in (select id from mine))::int as audited`,
    [stepKey, [...new Set(taps.map((t) => t.studentNo))]],
  );
  return result(opts.label, stepKey, run, taps, c?.returned ?? 0, [
    eq('requests that failed', run.tally.errors.length, 0),
    eq('acknowledged returns', run.tally.outcomes.get('applied') ?? 0, distinct),
    eq(`returned rows on ${stepKey}, with their reason`, c?.returned ?? -1, distinct),
    eq('audited returns', c?.audited ?? -1, distinct),
  ]);
}

/**
 * K: the tapped students have every step but the final one passed; 研工办 passes them through the API while an
 * operator revokes one of their steps every `revokeEveryMs`. Whatever the interleaving, no student may end with 研工办
 * passed and another required step open.
 */
export async function gatePasses(
  db: BenchDb,
  taps: readonly Tap[],
  opts: Load & { revokeEveryMs: number; revokeStep: string },
): Promise<ScenarioResult> {
  // The final step: the one that requires the others (研工办 in the CQU preset).
  const final = [...db.wf.steps].sort((a, b) => b.requires.length - a.requires.length)[0]!;
  console.log(
    `\n== ${opts.label}: 研工办 passes at the final gate, an operator revoking ${opts.revokeStep} every ${opts.revokeEveryMs} ms`,
  );
  const tapped = [...new Set(taps.map((t) => t.studentNo))];
  await db.sql(
    `update clearance c set status = 'passed', version = version + 1, decided_at = now(), reason = null
       from student s where s.id = c.student_id and s.student_no = any($1::text[])
        and c.step_key <> $2 and c.status in ('pending', 'returned')`,
    [tapped, final.key],
  );
  let stop = false;
  let revoked = 0;
  const revoker = (async () => {
    let i = 0;
    while (!stop) {
      await new Promise((r) => setTimeout(r, opts.revokeEveryMs));
      const studentNo = tapped[(i++ * 7919) % tapped.length]!;
      const [row] = await decide(db.orm.em.fork(), db.wf, {
        actor: { kind: 'admin', label: 'bench:revoker' },
        stepKey: opts.revokeStep,
        decision: 'revoke',
        source: 'admin',
        items: [{ studentNo }],
      });
      if (row?.outcome === 'applied') revoked++;
    }
  })();
  let run: TapRun;
  try {
    run = await withApi(db, final.key, (url, token) => apiTaps(url, token, taps, opts, { decision: 'pass' }));
  } finally {
    stop = true;
    await revoker;
  }
  printRun(run, taps);
  console.log(`  revokes applied during the run: ${revoked}`);
  const [c] = await db.sql<{ crossed: number; passed: number }>(
    `select (select count(*) from clearance f
              where f.step_key = $1 and f.status = 'passed'
                and exists (select 1 from clearance o where o.student_id = f.student_id and o.step_key <> $1
                             and o.status in ('pending', 'returned')))::int as crossed,
            (select count(*) from clearance c join student s on s.id = c.student_id
              where c.step_key = $1 and c.status = 'passed' and s.student_no = any($2::text[]))::int as passed`,
    [final.key, tapped],
  );
  const applied = run.tally.outcomes.get('applied') ?? 0;
  const allowed = ['applied', 'already_decided', 'gate_closed'];
  const other = [...run.tally.outcomes.entries()].filter(([k]) => !allowed.includes(k)).reduce((n, [, v]) => n + v, 0);
  return result(opts.label, final.key, run, taps, c?.passed ?? 0, [
    eq('requests that failed', run.tally.errors.length, 0),
    eq('outcomes other than applied / already_decided / gate_closed', other, 0),
    eq("acknowledged final passes = this run's students passed", c?.passed ?? -1, applied),
    eq('students passed by 研工办 with a required step open', c?.crossed ?? -1, 0),
  ]);
}
