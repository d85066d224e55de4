// GET /metrics: off (404) unless configured, a bearer token when one is set (401), and every series after its path ran.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { freshDb, type TestDb } from './support/db.ts';
import { seedSeason, studentNo } from './support/season.ts';
import { startFakeFeishu, type FakeFeishu } from './support/fake-feishu.ts';
import { startFakeWecom, type FakeWecom } from './support/fake-wecom.ts';
import { feishuEvent, feishuRequest } from './support/feishu-sign.ts';
import { wecomQuery } from './support/wecom-sign.ts';
import { createServer, handlerDeps } from '../bot/server.ts';
import { createFeishu, type Feishu } from '../bot/feishu/index.ts';
import { createWecom, type Wecom } from '../bot/wecom/index.ts';
import { notifyListener } from '../bot/delivery/notify.ts';
import { jobContext } from '../bot/jobs-context.ts';
import { jobNamed } from '../handlers/index.ts';
import { runJob } from '../handlers/jobs/run-job.ts';
import { drainChanges } from '../src/queue/drain-changes.ts';
import { runQueueOnce, taskList, workerLogger } from '../src/queue/worker.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { openOrm } from '../src/db/orm.ts';

const KEY = 'feishu-encrypt-key-for-metrics';
const TOKEN = 'metrics-token-0123456789';
const WECOM = { token: 'QDG6eK', aesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C' };
const log = createLogger('silent');
let db: TestDb;
let fakeFeishu: FakeFeishu;
let fakeWecom: FakeWecom;
let config: Config;
let feishu: Feishu;
let wecom: Wecom;
const servers: Server[] = [];

async function serve(env: Record<string, string>): Promise<string> {
  const cfg = loadConfig({ ...baseEnv(), ...env });
  const server = createServer({ orm: db.orm, wf: db.wf, config: cfg, log, feishu, wecom }).listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((r) => server.once('listening', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const baseEnv = () => ({
  DATABASE_URL: db.url,
  FEISHU_APP_ID: 'cli_a1b2c3d4e5f60718',
  FEISHU_APP_SECRET: 'fake-secret',
  FEISHU_ENCRYPT_KEY: KEY,
  FEISHU_BASE_URL: fakeFeishu.url,
  WECOM_CORP_ID: 'ww1436e0e65a779aee',
  WECOM_AGENT_ID: '1000002',
  WECOM_SECRET: 'fake-wecom-secret',
  WECOM_TOKEN: WECOM.token,
  WECOM_ENCODING_AES_KEY: WECOM.aesKey,
  WECOM_BASE_URL: fakeWecom.url,
});

let url: string;
const scrape = async () => {
  const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return res.text();
};
/** The value of one sample, e.g. `lixiao_change_outbox_depth` or `lixiao_taps_total{platform="feishu",result="answered"}`. */
const sample = (text: string, series: string) => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

async function postFeishu(payload: object, opts: { key?: string; ts?: number } = {}) {
  const r = feishuRequest(payload, opts.key ?? KEY, opts.ts);
  const res = await fetch(`${url}/feishu/webhook`, {
    method: 'POST',
    headers: r.headers,
    body: new Uint8Array(r.body),
  });
  return res.status;
}

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 6);
  await db.sql(`update person set feishu_open_id = 'ou_' || wecom_userid where wecom_userid is not null`);
  fakeFeishu = await startFakeFeishu();
  fakeWecom = await startFakeWecom();
  config = loadConfig(baseEnv());
  const hd = handlerDeps({ orm: db.orm, wf: db.wf, config, log });
  feishu = createFeishu(config.feishu!, hd, log);
  wecom = createWecom(config.wecom!, hd, log);
  url = await serve({ LIXIAO_METRICS_TOKEN: TOKEN });
});
afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  await fakeFeishu.close();
  await fakeWecom.close();
  await db.close();
});

describe('GET /metrics', () => {
  it('is not there unless turned on, and asks for the token when one is set', async () => {
    expect((await fetch(`${await serve({})}/metrics`)).status).toBe(404);
    expect((await fetch(`${await serve({ LIXIAO_METRICS: 'off', LIXIAO_METRICS_TOKEN: TOKEN })}/metrics`)).status).toBe(
      404,
    );
    const open = await fetch(`${await serve({ LIXIAO_METRICS: 'on' })}/metrics`);
    expect(open.status).toBe(200);
    expect(open.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const none = await fetch(`${url}/metrics`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(
      (await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status,
    ).toBe(401);
    expect(() => loadConfig({ LIXIAO_METRICS_TOKEN: 'short' })).toThrow(/LIXIAO_METRICS_TOKEN: at least 16 characters/);
  });

  it('still answers when the database does not, and counts that its queue gauges are stale', async () => {
    const gone = await openOrm(db.url, 1);
    await gone.close();
    const cfg = loadConfig({ ...baseEnv(), LIXIAO_METRICS: 'on' });
    const server = createServer({ orm: gone, wf: db.wf, config: cfg, log }).listen(0, '127.0.0.1');
    servers.push(server);
    await new Promise((r) => server.once('listening', r));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`);
    expect(res.status).toBe(200);
    expect(sample(await res.text(), 'lixiao_metrics_database_errors_total')).toBe(1);
  });

  it('shows every series after the paths that produce them ran', async () => {
    // a librarian's tap on 通过 (a decision from a card), then the same delivery again (a replay)
    const [row] = await db.sql<{ id: number; version: number }>(
      `select c.id, c.version from clearance c join student s on s.id = c.student_id
        where s.student_no = $1 and c.step_key = 'library'`,
      [studentNo(1)],
    );
    const tap = feishuEvent('card.action.trigger', {
      operator: { open_id: 'ou_library' },
      token: 'c-token-1',
      action: { tag: 'button', value: { a: 'pass', c: row!.id, v: row!.version } },
      context: {},
    });
    expect(await postFeishu(tap)).toBe(200);
    expect(await postFeishu(tap)).toBe(200);
    // refused: a wrong key's signature, a request from 10 minutes ago, a WeCom URL check with a bad signature
    expect(await postFeishu(feishuEvent('im.message.receive_v1', {}), { key: 'another-key' })).toBe(401);
    expect(
      await postFeishu(feishuEvent('im.message.receive_v1', {}), { ts: Math.floor(Date.now() / 1000) - 600 }),
    ).toBe(401);
    const q = new URLSearchParams(wecomQuery({ corpId: 'x', token: 'not-the-token', aesKey: WECOM.aesKey }, 'abc'));
    expect((await fetch(`${url}/wecom/callback?${q}&echostr=abc`)).status).toBe(401);

    let text = await scrape();
    expect(sample(text, 'lixiao_decisions_total{step="library",source="card",outcome="applied"}')).toBe(1);
    expect(sample(text, 'lixiao_taps_total{platform="feishu",result="answered"}')).toBe(1);
    expect(sample(text, 'lixiao_tap_duration_seconds_count{platform="feishu"}')).toBe(1);
    expect(sample(text, 'lixiao_tap_duration_seconds_bucket{le="+Inf",platform="feishu"}')).toBe(1);
    expect(sample(text, 'lixiao_inbound_refused_total{platform="feishu",reason="bad_signature"}')).toBe(1);
    expect(sample(text, 'lixiao_inbound_refused_total{platform="feishu",reason="stale"}')).toBe(1);
    expect(sample(text, 'lixiao_inbound_refused_total{platform="feishu",reason="replayed"}')).toBe(1);
    expect(sample(text, 'lixiao_inbound_refused_total{platform="wecom",reason="bad_signature"}')).toBe(1);
    // the decision's change waits in the outbox, then as a job in the queue
    expect(sample(text, 'lixiao_change_outbox_depth')).toBe(1);
    expect(sample(text, 'lixiao_change_outbox_oldest_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'lixiao_job_queue_depth{task="clearance_changed"}')).toBe(0);
    expect(await drainChanges(db.pool)).toBe(1);
    text = await scrape();
    expect(sample(text, 'lixiao_change_outbox_depth')).toBe(0);
    expect(sample(text, 'lixiao_job_queue_depth{task="clearance_changed"}')).toBe(1);
    expect(sample(text, 'lixiao_job_queue_oldest_age_seconds{task="clearance_changed"}')).toBeGreaterThanOrEqual(0);

    // the worker: the student's notice goes out through Feishu, which first answers 429 (a wait, then the send)
    fakeFeishu.failNext(1, '429');
    const hd = handlerDeps({ orm: db.orm, wf: db.wf, config, log });
    for (let i = 0; i < 3; i++)
      await runQueueOnce({
        connectionString: db.url,
        taskList: taskList([notifyListener(hd, ['feishu'], 0)], { feishu: feishu.sender }),
        logger: workerLogger(log),
      });
    expect(fakeFeishu.messages.map((m) => m.receive_id)).toContain('ou_stu1');
    // WeCom over its quota (45009), then a send that goes through
    fakeWecom.failNext(1, '45009');
    await expect(wecom.api.sendText('stu2', '你好')).rejects.toThrow(/45009/);
    await wecom.api.sendText('stu2', '你好');
    // a scheduled job, run by an operator
    const cleanup = jobNamed('cleanup')!;
    const ctx = jobContext(db.orm, db.wf, config, hd, new Date());
    await runJob(cleanup, ctx, 'test');
    await runJob(cleanup, jobContext(db.orm, db.wf, config, hd, new Date()), 'test');

    text = await scrape();
    expect(sample(text, 'lixiao_job_queue_depth{task="clearance_changed"}')).toBe(0);
    expect(sample(text, 'lixiao_outbound_sends_total{platform="feishu",op="im.message.create",result="ok"}')).toBe(1);
    expect(
      sample(text, 'lixiao_outbound_sends_total{platform="feishu",op="im.message.create",result="rate_limited"}'),
    ).toBe(1);
    expect(sample(text, 'lixiao_rate_limited_total{platform="feishu"}')).toBe(1);
    expect(sample(text, 'lixiao_quota_waits_total{platform="feishu"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'lixiao_quota_wait_seconds_total{platform="feishu"}')).toBeGreaterThan(0.5);
    expect(sample(text, 'lixiao_outbound_sends_total{platform="wecom",op="message/send",result="ok"}')).toBe(1);
    expect(sample(text, 'lixiao_outbound_sends_total{platform="wecom",op="message/send",result="rate_limited"}')).toBe(
      1,
    );
    expect(sample(text, 'lixiao_rate_limited_total{platform="wecom"}')).toBe(1);
    expect(sample(text, 'lixiao_cron_runs_total{job="cleanup",result="ran"}')).toBe(1);
    expect(sample(text, 'lixiao_cron_runs_total{job="cleanup",result="skipped"}')).toBe(1);
    expect(sample(text, 'lixiao_db_pool_in_use{pool="orm"}')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'lixiao_db_pool_waiting{pool="orm"}')).toBe(0);
    expect(sample(text, 'lixiao_db_pool_idle{pool="orm"}')).toBeGreaterThanOrEqual(0);
    expect(text).toMatch(/^process_cpu_seconds_total /m);
    // Prometheus' own naming rules: counters end in _total, durations are in seconds
    for (const [, name, type] of text.matchAll(/^# TYPE (lixiao_\S+) (\S+)$/gm)) {
      if (type === 'counter') expect(name).toMatch(/_total$/);
      if (type === 'histogram') expect(name).toMatch(/_seconds$/);
    }
  });

  it('has a sample Grafana dashboard whose queries name only series the service exports', async () => {
    const { readFileSync } = await import('node:fs');
    const dashboard = JSON.parse(readFileSync(new URL('../docs/grafana-dashboard.json', import.meta.url), 'utf8'));
    const exprs: string[] = dashboard.panels.flatMap((p: { targets?: { expr: string }[] }) =>
      (p.targets ?? []).map((t) => t.expr),
    );
    expect(exprs.length).toBeGreaterThan(5);
    const text = await scrape();
    const exported = new Set([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => m[1]));
    for (const expr of exprs)
      for (const [name] of expr.matchAll(/lixiao_[a-z_]+/g)) {
        const base = name.replace(/_(bucket|sum|count)$/, '');
        expect(exported.has(name) || exported.has(base), `${name} in ${expr}`).toBe(true);
      }
  });
});
