// A full run logged at the most verbose level: no token, secret or key may appear in the log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { freshDb, type TestDb } from './support/db.ts';
import { seedSeason, studentNo } from './support/season.ts';
import { startFakeFeishu, type FakeFeishu } from './support/fake-feishu.ts';
import { startFakeWecom, type FakeWecom } from './support/fake-wecom.ts';
import { feishuEvent, feishuRequest } from './support/feishu-sign.ts';
import { wecomPost, wecomText } from './support/wecom-sign.ts';
import { createServer, handlerDeps } from '../bot/server.ts';
import { createFeishu } from '../bot/feishu/index.ts';
import { createWecom } from '../bot/wecom/index.ts';
import { notifyListener } from '../bot/delivery/notify.ts';
import { runQueueOnce, taskList, workerLogger } from '../src/queue/worker.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';

const SECRETS = {
  LIXIAO_API_TOKENS: 'campus_card:api-token-that-must-not-leak-0001',
  FEISHU_APP_SECRET: 'fake-secret',
  FEISHU_ENCRYPT_KEY: 'feishu-encrypt-key-must-not-leak',
  FEISHU_VERIFICATION_TOKEN: 'feishu-verification-token-secret',
  WECOM_SECRET: 'fake-wecom-secret',
  WECOM_TOKEN: 'wecomTokenSecret9',
  WECOM_ENCODING_AES_KEY: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
};
let logged = '';
let db: TestDb;
let fakeF: FakeFeishu;
let fakeW: FakeWecom;
let server: Server;
let url: string;

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 5);
  await db.sql(`update person set feishu_open_id = 'ou_' || wecom_userid where wecom_userid is not null`);
  fakeF = await startFakeFeishu();
  fakeW = await startFakeWecom();
  const sink = new Writable({ write: (chunk, _e, cb) => ((logged += chunk.toString()), cb()) });
  const log = createLogger('trace', sink);
  const config = loadConfig({
    ...SECRETS,
    LIXIAO_QUIET_HOURS: 'off', // notices at once, whatever the hour the suite runs
    DATABASE_URL: db.url,
    FEISHU_APP_ID: 'cli_a1b2c3d4e5f60718',
    FEISHU_BASE_URL: fakeF.url,
    WECOM_CORP_ID: 'ww1436e0e65a779aee',
    WECOM_AGENT_ID: '1000002',
    WECOM_BASE_URL: fakeW.url,
  });
  const hd = handlerDeps({ orm: db.orm, wf: db.wf, config, log });
  const feishu = createFeishu(config.feishu!, hd, log);
  const wecom = createWecom(config.wecom!, hd, log);
  server = createServer({ orm: db.orm, wf: db.wf, config, log, feishu, wecom }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const api = (token: string) =>
    fetch(`${url}/api/v1/decisions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ decisions: [{ student_no: studentNo(0), decision: 'pass' }] }),
    });
  await api('api-token-that-must-not-leak-0001');
  await api('a-wrong-token-also-not-logged-000');
  const f = feishuRequest(
    feishuEvent('im.message.receive_v1', {
      sender: { sender_id: { open_id: 'ou_stu1' } },
      message: { message_id: 'om_1', message_type: 'text', content: '{"text":"进度"}' },
    }),
    SECRETS.FEISHU_ENCRYPT_KEY,
  );
  await fetch(`${url}/feishu/webhook`, { method: 'POST', headers: f.headers, body: new Uint8Array(f.body) });
  await fetch(`${url}/feishu/webhook`, {
    method: 'POST',
    headers: { ...f.headers, 'x-lark-signature': '0'.repeat(64) },
    body: new Uint8Array(f.body),
  });
  const w = wecomPost(
    { corpId: 'ww1436e0e65a779aee', token: SECRETS.WECOM_TOKEN, aesKey: SECRETS.WECOM_ENCODING_AES_KEY },
    wecomText('stu2', '进度'),
  );
  await fetch(`${url}/wecom/callback?${w.query}`, { method: 'POST', body: w.body });
  await fetch(`${url}/wecom/callback?${w.query.replace(/msg_signature=[0-9a-f]/, 'msg_signature=z')}`, {
    method: 'POST',
    body: w.body,
  });
  fakeW.failNext(1, 'token-expired');
  for (let i = 0; i < 3; i++)
    await runQueueOnce({
      connectionString: db.url,
      taskList: taskList([notifyListener(hd, ['feishu', 'wecom'], 0)], { feishu: feishu.sender, wecom: wecom.sender }),
      logger: workerLogger(log),
    });
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await fakeF.close();
  await fakeW.close();
  await db.close();
});

describe('secrets in logs', () => {
  it('the run did what it should (so the log has something to hide)', () => {
    expect(fakeF.messages.length + fakeW.messages.length).toBeGreaterThanOrEqual(2);
    expect(fakeF.tokenRequests.length).toBeGreaterThan(0);
    expect(fakeW.tokenRequests.length).toBeGreaterThan(1); // one refreshed after the token-expired answer
    expect(logged).toContain('"msg":"request"');
    expect(logged).toContain('feishu request refused');
  });

  it('no secret, token or key appears anywhere in the log', () => {
    const needles = [
      'api-token-that-must-not-leak-0001',
      'a-wrong-token-also-not-logged-000',
      ...Object.entries(SECRETS)
        .filter(([k]) => k !== 'LIXIAO_API_TOKENS')
        .map(([, v]) => v),
      't-fake-', // Feishu tenant tokens the fake issued
      'fake-wecom-token-', // WeCom access tokens the fake issued
      'access_token=',
    ];
    for (const n of needles) expect(logged.includes(n), n).toBe(false);
  });
});
