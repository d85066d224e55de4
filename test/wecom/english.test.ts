// English on WeCom end to end: a student switches to English, asks status, is passed by a librarian and is told in
// English, while the librarian's cards stay Chinese; every English card keeps within template_card's lengths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { freshDb, type TestDb } from '../support/db.ts';
import { seedSeason, studentNo } from '../support/season.ts';
import { startFakeWecom, type FakeWecom } from '../support/fake-wecom.ts';
import { wecomPost, wecomTap, wecomText, type WecomApp } from '../support/wecom-sign.ts';
import { wecomDecrypt } from '../../bot/wecom/crypto.ts';
import { field, parseWecomXml } from '../../bot/wecom/xml.ts';
import { createServer, handlerDeps } from '../../bot/server.ts';
import { createWecom, type Wecom } from '../../bot/wecom/index.ts';
import { notifyListener } from '../../bot/delivery/notify.ts';
import { runQueueOnce, taskList, workerLogger } from '../../src/queue/worker.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';

const APP: WecomApp = {
  corpId: 'ww1436e0e65a779aee',
  token: 'QDG6eK',
  aesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
};
const STUDENT = studentNo(0);
let db: TestDb;
let fake: FakeWecom;
let wecom: Wecom;
let server: Server;
let url: string;
const log = createLogger('silent');

async function post(inner: string) {
  const r = wecomPost(APP, inner);
  const res = await fetch(`${url}/wecom/callback?${r.query}`, { method: 'POST', body: r.body });
  return { status: res.status, text: await res.text() };
}
async function drain() {
  const hd = handlerDeps({ orm: db.orm, wf: db.wf, config: loadConfig({ LIXIAO_QUIET_HOURS: 'off' }), log });
  for (let i = 0; i < 5; i++)
    await runQueueOnce({
      connectionString: db.url,
      taskList: taskList([notifyListener(hd, ['wecom'], 0), ...wecom.listeners], { wecom: wecom.sender }),
      logger: workerLogger(log),
    });
}
type TemplateCard = {
  main_title: { title: string; desc: string };
  sub_title_text?: string;
  button_list?: { text: string; key: string }[];
  horizontal_content_list?: { keyname: string; value: string }[];
};
const sent = (userid: string) => fake.messages.filter((m) => m.touser === userid && m.msgtype === 'template_card');
const cardsTo = (userid: string) => sent(userid).map((m) => m.template_card as TemplateCard);
const within = (c: TemplateCard) => {
  expect([...c.main_title.title].length).toBeLessThanOrEqual(36);
  expect([...c.main_title.desc].length).toBeLessThanOrEqual(44);
  expect([...(c.sub_title_text ?? '')].length).toBeLessThanOrEqual(160);
  for (const f of c.horizontal_content_list ?? []) expect([...f.keyname].length).toBeLessThanOrEqual(5);
};

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 4);
  fake = await startFakeWecom();
  const config = loadConfig({
    DATABASE_URL: db.url,
    WECOM_CORP_ID: APP.corpId,
    WECOM_AGENT_ID: '1000002',
    WECOM_SECRET: 'fake-wecom-secret',
    WECOM_TOKEN: APP.token,
    WECOM_ENCODING_AES_KEY: APP.aesKey,
    WECOM_BASE_URL: fake.url,
  });
  wecom = createWecom(config.wecom!, handlerDeps({ orm: db.orm, wf: db.wf, config, log }), log);
  server = createServer({ orm: db.orm, wf: db.wf, config, log, wecom }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await fake.close();
  await db.close();
});

describe('a student in English, on WeCom', () => {
  it('writes English, then status: both cards in English, within the lengths WeCom shows', async () => {
    await post(wecomText('stu0', 'English'));
    await post(wecomText('stu0', 'status'));
    await drain();
    const [switched, status] = cardsTo('stu0');
    expect(switched!.main_title.title).toBe('Language: English');
    expect(status!.main_title.title).toBe('Departure clearance: 学生0');
    expect(status!.main_title.desc).toMatch(/^\d+ steps left$/);
    expect(status!.sub_title_text).toMatch(/^To do: Academic Secretary, /m);
    expect(status!.horizontal_content_list!.map((f) => f.keyname)).toEqual(['No.', 'Sch.', 'Site', 'Due']);
    for (const c of [switched!, status!]) within(c);
  });

  it('a librarian passes them with “pass”: the librarian’s cards stay Chinese, the student’s notice is English', async () => {
    await post(wecomText('library', `pass ${STUDENT}`));
    await drain();
    const preview = sent('library').at(-1)!;
    const card = preview.template_card as TemplateCard;
    expect(card.main_title.title).toMatch(/按名单通过/);
    const confirm = card.button_list!.find((b) => b.text.startsWith('确认通过'))!;
    const res = await post(wecomTap('library', confirm.key, preview.task_id!, [], fake.mintResponseCode()));
    expect(res.status).toBe(200);
    if (res.text) {
      const reply = parseWecomXml(wecomDecrypt(APP.aesKey, field(parseWecomXml(res.text), 'Encrypt')!, APP.corpId));
      expect(JSON.stringify(reply)).not.toMatch(/passed|Library/);
    }
    await drain();
    const notice = cardsTo('stu0').at(-1)!;
    expect(notice.main_title.title).toBe('Library: passed');
    expect(notice.main_title.desc).toMatch(/^Library has passed\. \d+ steps left\.$/);
    within(notice);
    for (const c of cardsTo('library')) expect(JSON.stringify(c)).not.toMatch(/passed|Library|Send/);
  });
});
