// Scenario A: single taps through the real HTTP service (POST /api/v1/decisions with a step's bearer token), one student per request.
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from '../bot/server.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import type { BenchDb } from './bench-db.ts';
import type { ScenarioResult } from './result.ts';
import { finishTapRun, runHttpTaps } from './taps.ts';
import type { Tap } from './workload.ts';

interface ApiAnswer {
  results?: { student_no: string; outcome: string }[];
}

async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
  server.closeAllConnections();
  await closed;
}

export async function httpTaps(
  db: BenchDb,
  stepKey: string,
  taps: readonly Tap[],
  opts: { concurrency: number; warmup: number; rate?: number; label: string },
): Promise<ScenarioResult> {
  const load = opts.rate ? `open model, ${opts.rate} requests/s` : `closed loop, concurrency ${opts.concurrency}`;
  console.log(`\n== ${opts.label}: POST /api/v1/decisions, step ${stepKey}, ${load}`);
  const token = randomBytes(16).toString('hex'); // 32 characters
  const config = loadConfig({
    ...process.env,
    LIXIAO_API_TOKENS: `${stepKey}:${token}`,
    DATABASE_URL: db.url,
    LOG_LEVEL: 'silent',
  });
  const server = createServer({ orm: db.orm, wf: db.wf, config, log: createLogger('silent') }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = new URL('/api/v1/decisions', `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  try {
    const request = (studentNo: string) => ({
      url: url.href,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: Buffer.from(JSON.stringify({ decisions: [{ student_no: studentNo, decision: 'pass' }] })),
    });
    const run = await runHttpTaps(taps, opts, opts.warmup, request, (res, studentNo) => {
      const row = (JSON.parse(res.text) as ApiAnswer | undefined)?.results?.[0];
      if (res.status !== 200 || !row) throw new Error(`HTTP ${res.status}: ${res.text.slice(0, 200)}`);
      if (row.student_no !== studentNo) throw new Error(`answer for ${row.student_no}, asked for ${studentNo}`);
      return row;
    });
    return finishTapRun(db, stepKey, opts.label, 'requests', run, taps);
  } finally {
    await closeServer(server);
  }
}
