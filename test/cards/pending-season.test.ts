// A season of 500 students pending at the library: the 待办 card pages through all of them on Feishu, WeCom and the console,
// every page within the platform's documented limits, each student on exactly one page, 本页全部通过 naming that page.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { freshDb, type TestDb } from '../support/db.ts';
import { seedSeason } from '../support/season.ts';
import { startFakeFeishu, type FakeFeishu } from '../support/fake-feishu.ts';
import { startFakeWecom, type FakeWecom } from '../support/fake-wecom.ts';
import { feishuEvent, feishuRequest } from '../support/feishu-sign.ts';
import { wecomPost, wecomText, type WecomApp } from '../support/wecom-sign.ts';
import { createServer, handlerDeps } from '../../bot/server.ts';
import { createFeishu, type Feishu } from '../../bot/feishu/index.ts';
import { createWecom, type Wecom } from '../../bot/wecom/index.ts';
import { ConsoleInbox } from '../../bot/console/inbox.ts';
import { runQueueOnce, taskList, workerLogger } from '../../src/queue/worker.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { pageSize } from '../../cards/index.ts';
import { feishuProblems } from './schemas/feishu-card.ts';
import { wecomProblems } from './schemas/wecom-card.ts';

const STUDENTS = 500;
const KEY = 'feishu-encrypt-key-for-tests';
const APP: WecomApp = {
  corpId: 'ww1436e0e65a779aee',
  token: 'QDG6eK',
  aesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
};
const log = createLogger('silent');
let db: TestDb;
let fakeFeishu: FakeFeishu;
let fakeWecom: FakeWecom;
let feishu: Feishu;
let wecom: Wecom;
let server: Server;
let url: string;
let libraryIds: number[];
let librarian: number;

type Obj = Record<string, any>;

async function drain() {
  for (let i = 0; i < 3; i++)
    await runQueueOnce({
      connectionString: db.url,
      taskList: taskList([...feishu.listeners, ...wecom.listeners], { feishu: feishu.sender, wecom: wecom.sender }),
      logger: workerLogger(log),
    });
}

async function postFeishu(payload: object): Promise<Obj> {
  const r = feishuRequest(payload, KEY);
  const res = await fetch(`${url}/feishu/webhook`, {
    method: 'POST',
    headers: r.headers,
    body: new Uint8Array(r.body),
  });
  expect(res.status).toBe(200);
  const text = await res.text();
  return text ? JSON.parse(text) : {};
}

async function postWecom(inner: string): Promise<void> {
  const r = wecomPost(APP, inner);
  const res = await fetch(`${url}/wecom/callback?${r.query}`, { method: 'POST', body: r.body });
  expect(res.status).toBe(200);
}

async function consolePost(path: string, body: object): Promise<Obj> {
  const res = await fetch(`${url}/console/api/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(200);
  return res.json();
}

/** Every button on a Feishu card, label and value. */
function feishuButtons(card: unknown): { label: string; value: Obj }[] {
  const out: { label: string; value: Obj }[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Obj;
    if (o.tag === 'button') out.push({ label: o.text.content, value: o.behaviors[0].value });
    Object.values(o).forEach(walk);
  };
  walk(card);
  return out;
}
const feishuRows = (card: Obj): number[] =>
  card.body.elements
    .filter((e: Obj) => String(e.element_id ?? '').startsWith('row_r'))
    .map((e: Obj) => Number(e.element_id.slice(5)));

/** What every platform must show: each pending student once, pages of the real size, the last one the rest. */
function expectPaged(pages: number[][], size: number): void {
  const count = Math.ceil(STUDENTS / size);
  expect(pages.map((p) => p.length)).toEqual([
    ...Array.from({ length: count - 1 }, () => size),
    STUDENTS - (count - 1) * size,
  ]);
  const all = pages.flat();
  expect(new Set(all).size).toBe(all.length);
  expect([...all].sort((a, b) => a - b)).toEqual(libraryIds);
}

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, STUDENTS);
  await db.sql(`update person set feishu_open_id = 'ou_' || wecom_userid where wecom_userid is not null`);
  libraryIds = (
    await db.sql<{ id: number }>(
      `select id from clearance where step_key = 'library' and status = 'pending' order by id`,
    )
  ).map((r) => Number(r.id));
  librarian = Number((await db.sql<{ id: number }>(`select id from person where wecom_userid = 'library'`))[0]!.id);
  fakeFeishu = await startFakeFeishu();
  fakeWecom = await startFakeWecom();
  const config = loadConfig({
    DATABASE_URL: db.url,
    FEISHU_APP_ID: 'cli_a1b2c3d4e5f60718',
    FEISHU_APP_SECRET: 'fake-secret',
    FEISHU_ENCRYPT_KEY: KEY,
    FEISHU_BASE_URL: fakeFeishu.url,
    WECOM_CORP_ID: APP.corpId,
    WECOM_AGENT_ID: '1000002',
    WECOM_SECRET: 'fake-wecom-secret',
    WECOM_TOKEN: APP.token,
    WECOM_ENCODING_AES_KEY: APP.aesKey,
    WECOM_BASE_URL: fakeWecom.url,
  });
  const hd = handlerDeps({ orm: db.orm, wf: db.wf, config, log });
  feishu = createFeishu(config.feishu!, hd, log);
  wecom = createWecom(config.wecom!, hd, log);
  server = createServer({ orm: db.orm, wf: db.wf, config, log, feishu, wecom, inbox: new ConsoleInbox() }).listen(
    0,
    '127.0.0.1',
  );
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await fakeFeishu.close();
  await fakeWecom.close();
  await db.close();
});

describe(`待办 for ${STUDENTS} students waiting at the library`, () => {
  it('the season is what the test says', () => {
    expect(libraryIds).toHaveLength(STUDENTS);
  });

  it('Feishu: 待办, then 下一页 taps answered inline, through every page; each card within the documented limits', async () => {
    await postFeishu(
      feishuEvent('im.message.receive_v1', {
        sender: { sender_id: { open_id: 'ou_library' }, sender_type: 'user' },
        message: { message_id: 'om_todo_500', chat_type: 'p2p', message_type: 'text', content: '{"text":"待办"}' },
      }),
    );
    await drain();
    const sent = fakeFeishu.messages.filter((m) => m.receive_id === 'ou_library').at(-1)!;
    const size = pageSize('buttons');
    const count = Math.ceil(STUDENTS / size);
    const pages: number[][] = [];
    let card = sent.content as Obj;
    for (let page = 1; ; page++) {
      expect(feishuProblems(card), `page ${page}`).toEqual([]);
      expect(card.config.summary.content).toBe(`${STUDENTS} 名学生待办理（第 ${page}/${count} 页）`);
      const rows = feishuRows(card);
      pages.push(rows);
      const buttons = feishuButtons(card);
      const all = buttons.find((b) => b.label === '本页全部通过')!;
      expect(all.value.ids.split(',').map((r: string) => Number(r.split('.')[0]))).toEqual(rows);
      expect(buttons.some((b) => b.label === '上一页')).toBe(page > 1);
      const next = buttons.find((b) => b.label === '下一页');
      if (!next) break;
      expect(next.value).toEqual({ a: 'page', p: page + 1 });
      const answer = await postFeishu(
        feishuEvent('card.action.trigger', {
          operator: { open_id: 'ou_library' },
          token: `c-page-${page}`,
          action: { tag: 'button', value: next.value },
          context: { open_message_id: sent.message_id },
        }),
      );
      card = answer.card.data;
    }
    expectPaged(pages, size);
  });

  it('WeCom: 待办 and 待办 N, a checkbox card of 20 a page, through every page; each card keeps every documented rule', async () => {
    const size = pageSize('checklist');
    const count = Math.ceil(STUDENTS / size);
    const pages: number[][] = [];
    for (let page = 1; page <= count; page++) {
      await postWecom(wecomText('library', page === 1 ? '待办' : `待办 ${page}`, `5000${page}`));
      await drain();
      const card = fakeWecom.messages.filter((m) => m.touser === 'library').at(-1)!.template_card as Obj;
      expect(wecomProblems(card), `page ${page}`).toEqual([]);
      expect(card.card_type).toBe('vote_interaction');
      expect(card.main_title.title).toBe(`待办理的学生：${STUDENTS} 人（第 ${page}/${count} 页）`);
      expect(card.main_title.desc.includes(`发送“待办 ${page + 1}”看下一页`)).toBe(page < count);
      pages.push(card.checkbox.option_list.map((o: Obj) => Number(o.id.split('.')[0])));
    }
    expectPaged(pages, size);
  });

  it('the console: 待办, then 下一页 taps, through every page', async () => {
    const size = pageSize('buttons');
    const pages: number[][] = [];
    let html: string = (await consolePost('say', { person: librarian, text: '待办' })).cards[0];
    for (;;) {
      pages.push([...html.matchAll(/data-row-id="r(\d+)"/g)].map((m) => Number(m[1])));
      const next = /<button[^>]*data-value="([^"]*)"[^>]*>下一页<\/button>/.exec(html);
      if (!next) break;
      const value = JSON.parse(next[1]!.replace(/&quot;/g, '"'));
      html = (await consolePost('tap', { person: librarian, value })).card;
    }
    expectPaged(pages, size);
  });

  it('本页全部通过 on a page passes exactly that page, and the answer is a card Feishu takes', async () => {
    const [first] = fakeFeishu.messages.filter((m) => m.receive_id === 'ou_library');
    const all = feishuButtons(first!.content).find((b) => b.label === '本页全部通过')!;
    const answer = await postFeishu(
      feishuEvent('card.action.trigger', {
        operator: { open_id: 'ou_library' },
        token: 'c-pass-page',
        action: { tag: 'button', value: all.value, form_value: {} },
        context: { open_message_id: first!.message_id },
      }),
    );
    expect(answer.toast).toEqual({
      type: 'success',
      content: `已通过 ${pageSize('buttons')} / ${pageSize('buttons')} 人`,
    });
    expect(feishuProblems(answer.card.data)).toEqual([]);
    const passed = await db.sql<{ id: number }>(
      `select id from clearance where step_key = 'library' and status = 'passed' order by id`,
    );
    expect(passed.map((r) => Number(r.id))).toEqual(feishuRows(first!.content as Obj).sort((a, b) => a - b));
  });
});
