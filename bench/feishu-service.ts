// The service with Feishu on, against a fake Feishu OpenAPI, listening on 127.0.0.1: what the Feishu scenarios post to.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer, handlerDeps } from '../bot/server.ts';
import { createFeishu } from '../bot/feishu/index.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { startFakeFeishu } from '../test/support/fake-feishu.ts';
import type { BenchDb } from './bench-db.ts';

export const FEISHU_BENCH_KEY = 'bench-encrypt-key';

export async function startFeishuService(db: BenchDb): Promise<{ webhook: URL; close: () => Promise<void> }> {
  const fake = await startFakeFeishu();
  const config = loadConfig({
    DATABASE_URL: db.url,
    FEISHU_APP_ID: 'cli_a1b2c3d4e5f60718',
    FEISHU_APP_SECRET: 'fake-secret',
    FEISHU_ENCRYPT_KEY: FEISHU_BENCH_KEY,
    FEISHU_BASE_URL: fake.url,
    LOG_LEVEL: 'silent',
  });
  const log = createLogger(process.env.BENCH_LOG ?? 'silent');
  const feishu = createFeishu(config.feishu!, handlerDeps({ orm: db.orm, wf: db.wf, config, log }), log);
  const server: Server = createServer({ orm: db.orm, wf: db.wf, config, log, feishu }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    webhook: new URL('/feishu/webhook', `http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await fake.close();
    },
  };
}
