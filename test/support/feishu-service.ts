// The service with Feishu configured against a fake Feishu on 127.0.0.1, for end-to-end tests.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createServer, handlerDeps } from '../../bot/server.ts';
import { createFeishu, type Feishu } from '../../bot/feishu/index.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger, type Logger } from '../../src/log.ts';
import { startFakeFeishu, type FakeFeishu } from './fake-feishu.ts';
import { feishuRequest } from './feishu-sign.ts';
import { notifyListener } from '../../bot/delivery/notify.ts';
import { runQueueOnce, taskList, workerLogger } from '../../src/queue/worker.ts';
import type { TestDb } from './db.ts';

export interface FeishuService {
  fake: FakeFeishu;
  feishu: Feishu;
  url: string;
  log: Logger;
  /** a callback carrying `payload`, encrypted and signed as Feishu sends it; the answer's status and JSON */
  post: (payload: object) => Promise<{ status: number; json: any }>;
  /** runs queued jobs (notices at once, whatever the hour) until none is left */
  drain: () => Promise<void>;
  close: () => Promise<void>;
}

/** People get open_ids `ou_<wecom_userid>`; requests are checked with `encryptKey`. */
export async function startFeishuService(
  db: TestDb,
  encryptKey: string,
  env: Record<string, string> = {},
): Promise<FeishuService> {
  await db.sql(`update person set feishu_open_id = 'ou_' || wecom_userid where wecom_userid is not null`);
  const log = createLogger('silent');
  const fake = await startFakeFeishu();
  const config = loadConfig({
    DATABASE_URL: db.url,
    FEISHU_APP_ID: 'cli_a1b2c3d4e5f60718',
    FEISHU_APP_SECRET: 'fake-secret',
    FEISHU_ENCRYPT_KEY: encryptKey,
    FEISHU_BASE_URL: fake.url,
    ...env,
  });
  const feishu = createFeishu(config.feishu!, handlerDeps({ orm: db.orm, wf: db.wf, config, log }), log);
  const server: Server = createServer({ orm: db.orm, wf: db.wf, config, log, feishu }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const quiet = handlerDeps({ orm: db.orm, wf: db.wf, config: loadConfig({ LIXIAO_QUIET_HOURS: 'off' }), log });
  return {
    fake,
    feishu,
    log,
    url,
    post: async (payload) => {
      const r = feishuRequest(payload, encryptKey);
      const res = await fetch(`${url}/feishu/webhook`, {
        method: 'POST',
        headers: r.headers,
        body: new Uint8Array(r.body),
      });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : null };
    },
    drain: async () => {
      for (let i = 0; i < 5; i++)
        await runQueueOnce({
          connectionString: db.url,
          taskList: taskList([notifyListener(quiet, ['feishu'], 0), ...feishu.listeners], { feishu: feishu.sender }),
          logger: workerLogger(log),
        });
    },
    close: async () => {
      await new Promise((r) => server.close(r));
      await fake.close();
    },
  };
}
