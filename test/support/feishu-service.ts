// The service with Feishu configured against a fake Feishu on 127.0.0.1, for end-to-end tests.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createServer, handlerDeps } from '../../bot/server.ts';
import { createFeishu, type Feishu } from '../../bot/feishu/index.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger, type Logger } from '../../src/log.ts';
import { startFakeFeishu, type FakeFeishu } from './fake-feishu.ts';
import type { TestDb } from './db.ts';

export interface FeishuService {
  fake: FakeFeishu;
  feishu: Feishu;
  url: string;
  log: Logger;
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
  return {
    fake,
    feishu,
    log,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      await new Promise((r) => server.close(r));
      await fake.close();
    },
  };
}
