// Scenario Z, the baseline: a bare Koa endpoint doing one prepared UPDATE per request on the same database, through
// the same load thread. Hosts differ by 2x and more; the ratio of a scenario to Z measured in the same run does not.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import getRawBody from 'raw-body';
import pg from 'pg';
import type { BenchDb } from './bench-db.ts';
import type { ScenarioResult } from './result.ts';
import { fmt, formatLatency } from './stats.ts';
import { checked, formatCpu, printTapRun, requestsResult, runHttpTaps } from './taps.ts';
import type { Tap } from './workload.ts';

interface BaselineAnswer {
  results?: { student_no: string; outcome: string }[];
}

/** The same body shape as the integration API's, so that both parse a comparable request. */
interface BaselineBody {
  decisions: { student_no: string }[];
}

function baselineApp(pool: pg.Pool, clearanceIds: Map<string, number>): Koa {
  const app = new Koa();
  app.use(async (ctx) => {
    if (ctx.method !== 'POST') ctx.throw(405);
    const body = JSON.parse(await getRawBody(ctx.req, { limit: '1mb', encoding: 'utf8' })) as BaselineBody;
    const studentNo = body.decisions[0]!.student_no;
    const id = clearanceIds.get(studentNo);
    let outcome = 'unknown_student';
    if (id !== undefined) {
      const res = await pool.query({
        name: 'baseline_pass',
        text: `update clearance set status = 'passed', version = version + 1, decided_at = now()
                where id = $1 and status = 'pending'`,
        values: [id],
      });
      outcome = res.rowCount === 1 ? 'applied' : 'already_decided';
    }
    ctx.body = { results: [{ student_no: studentNo, outcome }] };
  });
  return app;
}

async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
  server.closeAllConnections();
  await closed;
}

export async function baselineUpdates(
  db: BenchDb,
  stepKey: string,
  poolMax: number,
  taps: readonly Tap[],
  opts: { concurrency: number; warmup: number; label: string },
): Promise<ScenarioResult> {
  console.log(`\n== ${opts.label}: bare Koa, one prepared UPDATE by id, step ${stepKey} (reset to pending after)`);
  const rows = await db.sql<{ student_no: string; id: number }>(
    `select s.student_no, c.id from clearance c join student s on s.id = c.student_id
      where c.step_key = $1 and c.status = 'pending'`,
    [stepKey],
  );
  const ids = new Map(rows.map((r) => [r.student_no, Number(r.id)]));
  // The service's pool settings: same size, same generic-plan option (src/db/orm.ts).
  const pool = new pg.Pool({
    connectionString: db.url,
    max: poolMax,
    options: '-c plan_cache_mode=force_generic_plan',
  });
  const server = baselineApp(pool, ids).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = new URL('/', `http://127.0.0.1:${(server.address() as AddressInfo).port}`).href;
  try {
    const request = (studentNo: string) => ({
      url,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify({ decisions: [{ student_no: studentNo, decision: 'pass' }] })),
    });
    const run = await runHttpTaps(taps, opts, opts.warmup, request, (res, studentNo) => {
      const row = (JSON.parse(res.text) as BaselineAnswer).results?.[0];
      if (res.status !== 200 || !row) throw new Error(`HTTP ${res.status}: ${res.text.slice(0, 200)}`);
      if (row.student_no !== studentNo) throw new Error(`answer for ${row.student_no}, asked for ${studentNo}`);
      return row;
    });
    printTapRun(run, taps);
    console.log(`  latency: ${formatLatency(run.latency)}`);
    console.log(`  throughput: ${fmt(run.perSec)} requests/s (${taps.length} in ${fmt(run.wallMs, 0)} ms)`);
    if (run.cpu) console.log(`  cpu per request: ${formatCpu(run.cpu, taps.length)}`);
    const distinct = taps.filter((t) => !t.duplicate).length;
    const [passed] = await db.sql<{ n: number }>(
      `select count(*)::int as n from clearance where step_key = $1 and status = 'passed'`,
      [stepKey],
    );
    const applied = run.tally.outcomes.get('applied') ?? 0;
    const lost = Math.max(0, applied - (passed?.n ?? 0));
    const doubled = Math.max(0, applied - distinct);
    const checks = [
      { name: 'requests that failed', ok: run.tally.errors.length === 0, detail: String(run.tally.errors.length) },
      { name: 'passed rows = distinct students', ok: passed?.n === distinct, detail: `${passed?.n} / ${distinct}` },
      { name: 'applied answers = distinct students', ok: applied === distinct, detail: `${applied} / ${distinct}` },
    ];
    for (const c of checks) console.log(`  check ${c.ok ? 'ok' : 'FAILED'}: ${c.name}: ${c.detail}`);
    // Later scenarios (the final gate) need this step as it was.
    await db.sql(`update clearance set status = 'pending', decided_at = null where step_key = $1`, [stepKey]);
    return requestsResult(opts.label, stepKey, run, taps.length, checked(checks, lost, doubled));
  } finally {
    await closeServer(server);
    await pool.end();
  }
}
