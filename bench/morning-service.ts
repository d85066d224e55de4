// The whole service for the busiest morning: HTTP, the worker and both platforms, against fakes that enforce quotas.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer, handlerDeps } from '../bot/server.ts';
import { createFeishu } from '../bot/feishu/index.ts';
import { createWecom } from '../bot/wecom/index.ts';
import { notifyListener, studentNoticeTask } from '../bot/delivery/notify.ts';
import { STUDENT_NOTICE_TASK } from '../src/delivery/notice-queue.ts';
import { named, startWorker } from '../src/queue/worker.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { startFakeFeishu, type FakeFeishu } from '../test/support/fake-feishu.ts';
import { startFakeWecom, type FakeWecom } from '../test/support/fake-wecom.ts';
import type { BenchDb } from './bench-db.ts';

export const MORNING_KEY = 'bench-morning-encrypt-key';

export interface MorningService {
  webhook: string;
  feishuFake: FakeFeishu;
  wecomFake: FakeWecom;
  close: () => Promise<void>;
}

/** Feishu answers 429 past 50 calls a second or 1,000 a minute; WeCom drops a member's 31st message in a minute. */
export async function startMorningService(db: BenchDb): Promise<MorningService> {
  const feishuFake = await startFakeFeishu({ quota: { perSecond: 50, perMinute: 1000 } });
  const wecomFake = await startFakeWecom({ memberPerMinute: 30 });
  const config = loadConfig({
    DATABASE_URL: db.url,
    FEISHU_APP_ID: 'cli_a1b2c3d4e5f60718',
    FEISHU_APP_SECRET: 'fake-secret',
    FEISHU_ENCRYPT_KEY: MORNING_KEY,
    FEISHU_BASE_URL: feishuFake.url,
    WECOM_CORP_ID: 'ww1436e0e65a779aee',
    WECOM_AGENT_ID: '1000002',
    WECOM_SECRET: 'fake-wecom-secret',
    WECOM_TOKEN: 'QDG6eK',
    WECOM_ENCODING_AES_KEY: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
    WECOM_BASE_URL: wecomFake.url,
    LOG_LEVEL: 'silent',
  });
  const log = createLogger(process.env.BENCH_LOG ?? 'silent');
  const hd = handlerDeps({ orm: db.orm, wf: db.wf, config, log });
  const feishu = createFeishu(config.feishu!, hd, log, undefined, config.copyWindowSec);
  const wecom = createWecom(config.wecom!, hd, log);
  const worker = await startWorker({
    connectionString: db.url,
    log,
    listeners: [
      named('notify', notifyListener(hd, ['feishu', 'wecom'], config.noticeWindowSec)),
      ...feishu.listeners.map((l) => named('feishu-copies', l)),
      ...wecom.listeners.map((l) => named('wecom-copies', l)),
    ],
    senders: { feishu: feishu.sender, wecom: wecom.sender },
    tasks: { [STUDENT_NOTICE_TASK]: studentNoticeTask(hd, ['feishu', 'wecom']), ...feishu.tasks },
    interactiveTasks: Object.keys(feishu.tasks),
    // the service's own worker settings (4 + 2): a notice waiting for its budget is given back, not held in a worker,
    // so more workers would only take more of the connection pool the taps and questions are answered from
  });
  const server: Server = createServer({ orm: db.orm, wf: db.wf, config, log, feishu, wecom }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    webhook: `http://127.0.0.1:${(server.address() as AddressInfo).port}/feishu/webhook`,
    feishuFake,
    wecomFake,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await worker.stop();
      await feishuFake.close();
      await wecomFake.close();
    },
  };
}
