// The service with WeCom configured against a fake WeCom on 127.0.0.1, for end-to-end tests: post as WeCom, drain as the worker.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createServer, handlerDeps } from '../../bot/server.ts';
import { createWecom, type Wecom } from '../../bot/wecom/index.ts';
import { notifyListener } from '../../bot/delivery/notify.ts';
import { wecomDecrypt } from '../../bot/wecom/crypto.ts';
import { field, parseWecomXml, type XmlObject } from '../../bot/wecom/xml.ts';
import { runQueueOnce, taskList, workerLogger } from '../../src/queue/worker.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { startFakeWecom, type FakeWecom } from './fake-wecom.ts';
import { wecomPost, type WecomApp } from './wecom-sign.ts';
import type { TestDb } from './db.ts';

/** The app the tests sign and encrypt as (the corp id and keys of WeCom's documented example). */
export const WECOM_APP: WecomApp = {
  corpId: 'ww1436e0e65a779aee',
  token: 'QDG6eK',
  aesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
};

export interface WecomService {
  fake: FakeWecom;
  wecom: Wecom;
  url: string;
  /** a callback carrying `inner` (plain XML), signed and encrypted as WeCom sends it */
  post: (inner: string) => Promise<{ status: number; text: string }>;
  /** runs queued jobs (notices at once, whatever the hour) until none is left */
  drain: () => Promise<void>;
  /** the template cards sent to a member, oldest first */
  cardsTo: (userid: string) => FakeWecom['messages'];
  /** a passive reply's decrypted XML */
  reply: (text: string) => XmlObject;
  close: () => Promise<void>;
}

export async function startWecomService(db: TestDb): Promise<WecomService> {
  const log = createLogger('silent');
  const fake = await startFakeWecom();
  const config = loadConfig({
    DATABASE_URL: db.url,
    WECOM_CORP_ID: WECOM_APP.corpId,
    WECOM_AGENT_ID: '1000002',
    WECOM_SECRET: 'fake-wecom-secret',
    WECOM_TOKEN: WECOM_APP.token,
    WECOM_ENCODING_AES_KEY: WECOM_APP.aesKey,
    WECOM_BASE_URL: fake.url,
  });
  const wecom = createWecom(config.wecom!, handlerDeps({ orm: db.orm, wf: db.wf, config, log }), log);
  const server: Server = createServer({ orm: db.orm, wf: db.wf, config, log, wecom }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const quiet = handlerDeps({ orm: db.orm, wf: db.wf, config: loadConfig({ LIXIAO_QUIET_HOURS: 'off' }), log });
  return {
    fake,
    wecom,
    url,
    post: async (inner) => {
      const r = wecomPost(WECOM_APP, inner);
      const res = await fetch(`${url}/wecom/callback?${r.query}`, { method: 'POST', body: r.body });
      return { status: res.status, text: await res.text() };
    },
    drain: async () => {
      for (let i = 0; i < 5; i++)
        await runQueueOnce({
          connectionString: db.url,
          taskList: taskList([notifyListener(quiet, ['wecom'], 0), ...wecom.listeners], { wecom: wecom.sender }),
          logger: workerLogger(log),
        });
    },
    cardsTo: (userid) => fake.messages.filter((m) => m.touser === userid && m.msgtype === 'template_card'),
    reply: (text) =>
      parseWecomXml(wecomDecrypt(WECOM_APP.aesKey, field(parseWecomXml(text), 'Encrypt')!, WECOM_APP.corpId)),
    close: async () => {
      await new Promise((r) => server.close(r));
      await fake.close();
    },
  };
}
