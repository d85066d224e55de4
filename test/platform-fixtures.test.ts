// Replays Feishu's and WeCom's documented callback payloads (test/fixtures) through the real routes, every field kept.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { seedSeason, studentNo } from './support/season.ts';
import { startFeishuService, type FeishuService } from './support/feishu-service.ts';
import { feishuRequest } from './support/feishu-sign.ts';
import { wecomQuery, wecomText } from './support/wecom-sign.ts';
import { startWecomService, WECOM_APP, type WecomService } from './support/wecom-service.ts';
import { wecomEncrypt } from '../bot/wecom/crypto.ts';
import { handlerDeps } from '../bot/server.ts';
import { notifyListener } from '../bot/delivery/notify.ts';
import { runQueueOnce, taskList, workerLogger } from '../src/queue/worker.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import type { CardSender } from '../src/queue/worker.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const fill = (text: string, values: Record<string, string>) =>
  text.replace(/__([A-Z0-9_]+?)__/g, (all, key: string) => values[key] ?? all);
const log = createLogger('silent');
let db: TestDb;

async function drain(listeners: Parameters<typeof taskList>[0], senders: Record<string, CardSender>) {
  const hd = handlerDeps({ orm: db.orm, wf: db.wf, config: loadConfig({ LIXIAO_QUIET_HOURS: 'off' }), log });
  for (let i = 0; i < 5; i++)
    await runQueueOnce({
      connectionString: db.url,
      taskList: taskList([notifyListener(hd, Object.keys(senders) as never, 0), ...listeners], senders),
      logger: workerLogger(log),
    });
}
const statusOf = async (no: string, step: string) =>
  (
    await db.sql<{ status: string }>(
      'select c.status from clearance c join student s on s.id = c.student_id where s.student_no = $1 and step_key = $2',
      [no, step],
    )
  )[0]?.status;

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 6);
});
afterAll(() => db.close());

describe('Feishu documented payloads', () => {
  const KEY = 'feishu-encrypt-key-for-fixtures';
  const STUDENT = 'ou_84aad35d084aa403a838cf73ee18467';
  const LIBRARIAN = 'ou_3c14f3a59eaf2825dbe25359f15a0001';
  let service: FeishuService;
  const post = async (body: string) => {
    const r = feishuRequest(JSON.parse(body) as object, KEY);
    const res = await fetch(`${service.url}/feishu/webhook`, {
      method: 'POST',
      headers: r.headers,
      body: new Uint8Array(r.body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  };
  const sentTo = (openId: string) => service.fake.messages.filter((m) => m.receive_id === openId);
  const drainFeishu = () => drain(service.feishu.listeners, { feishu: service.feishu.sender });

  beforeAll(async () => {
    service = await startFeishuService(db, KEY);
    await db.sql(`update person set feishu_open_id = $1 where wecom_userid = 'stu0'`, [STUDENT]);
    await db.sql(`update person set feishu_open_id = $1 where wecom_userid = 'library'`, [LIBRARIAN]);
  });
  afterAll(() => service.close());

  it('answers the documented URL check, encrypted as Feishu sends it when an encrypt key is set', async () => {
    expect(await post(fixture('feishu/url_verification.json'))).toEqual({
      status: 200,
      json: { challenge: 'ajls384kdjx98XX' },
    });
  });

  it('a documented im.message.receive_v1 gets the status card, once however often it is delivered', async () => {
    const body = fixture('feishu/im.message.receive_v1.json');
    expect(await post(body)).toEqual({ status: 200, json: {} });
    await drainFeishu();
    expect(sentTo(STUDENT)).toHaveLength(1);
    expect((sentTo(STUDENT)[0]!.content as any).header.title.content).toBe('学生0 的离校进度');
    expect((await post(body)).status).toBe(200);
    await drainFeishu();
    expect(sentTo(STUDENT)).toHaveLength(1);
  });

  it('an event lixiao does not act on (the bot chat opened) is answered 200 and sends nothing', async () => {
    const before = service.fake.messages.length;
    expect(await post(fixture('feishu/im.chat.access_event.bot_p2p_chat_entered_v1.json'))).toEqual({
      status: 200,
      json: {},
    });
    await drainFeishu();
    expect(service.fake.messages.length).toBe(before);
  });

  it('a documented card.action.trigger carrying a 通过 button passes the student and answers with the card', async () => {
    const ask = JSON.parse(fixture('feishu/im.message.receive_v1.json'));
    ask.header.event_id = 'fixture-todo-1';
    ask.event.sender.sender_id = { open_id: LIBRARIAN, union_id: 'on_cad4860e7af114fb4ff6c5d496d1dd76' };
    ask.event.message.message_id = 'om_fixture_todo_1';
    ask.event.message.content = JSON.stringify({ text: '待办' });
    await post(JSON.stringify(ask));
    await drainFeishu();
    const card = sentTo(LIBRARIAN).at(-1)!;
    const pass = JSON.stringify(card.content).match(
      /"text":\{"tag":"plain_text","content":"通过"\}[^]*?"value":(\{[^}]*\})/,
    );
    expect(pass).not.toBeNull();
    const value = JSON.parse(pass![1]!) as { s?: string };
    const tap = fill(fixture('feishu/card.action.trigger.json'), { MESSAGE_ID: card.message_id }).replace(
      '"__BUTTON_VALUE__"',
      JSON.stringify(value),
    );
    const answer = await post(tap);
    expect(answer.status).toBe(200);
    expect(answer.json.card?.type).toBe('raw');
    const passed = [];
    for (let i = 0; i < 6; i++) if ((await statusOf(studentNo(i), 'library')) === 'passed') passed.push(i);
    expect(passed).toHaveLength(1);
  });
});

describe('WeCom documented payloads', () => {
  let service: WecomService;
  // The documented envelope (AgentID as CDATA, indentation and all) around the documented inner XML.
  const post = async (inner: string) => {
    const encrypt = wecomEncrypt(WECOM_APP.aesKey, inner, WECOM_APP.corpId);
    const res = await fetch(`${service.url}/wecom/callback?${wecomQuery(WECOM_APP, encrypt)}`, {
      method: 'POST',
      body: fill(fixture('wecom/envelope.xml'), { ENCRYPT: encrypt }),
    });
    return { status: res.status, text: await res.text() };
  };
  const cardsTo = (userid: string) => service.cardsTo(userid);
  const drainWecom = () => service.drain();

  beforeAll(async () => {
    await db.sql(`update person set wecom_userid = 'fromUser' where wecom_userid = 'stu1'`);
    service = await startWecomService(db); // its AgentID is the fake's; the fixtures' is the documented example's
  });
  afterAll(() => service.close());

  it('the documented text message gets the status card, once however often it is delivered', async () => {
    const text = fixture('wecom/text.xml');
    expect(await post(text)).toEqual({ status: 200, text: '' });
    await drainWecom();
    expect(cardsTo('fromUser')).toHaveLength(1);
    expect((cardsTo('fromUser')[0]!.template_card as any).main_title.title).toBe('学生1 的离校进度');
    await post(text);
    await drainWecom();
    expect(cardsTo('fromUser')).toHaveLength(1);
  });

  it('entering the app (an event lixiao does not act on) is answered 200 and sends nothing', async () => {
    const before = service.fake.messages.length;
    expect((await post(fixture('wecom/enter_agent.xml'))).status).toBe(200);
    await drainWecom();
    expect(service.fake.messages.length).toBe(before);
  });

  it('the documented template_card_event, two options ticked on a checkbox card, passes those two students', async () => {
    await post(wecomText('library', '待办'));
    await drainWecom();
    const sent = cardsTo('library').at(-1)!;
    const card = sent.template_card as any;
    const [one, two] = card.checkbox.option_list as { id: string }[];
    const res = await post(
      fill(fixture('wecom/template_card_event.xml'), {
        USERID: 'library',
        EVENT_KEY: card.submit_button.key,
        TASK_ID: sent.task_id!,
        RESPONSE_CODE: service.fake.mintResponseCode(),
        QUESTION_KEY: card.checkbox.question_key,
        OPTION_1: one!.id,
        OPTION_2: two!.id,
      }),
    );
    expect(res.status).toBe(200);
    expect(res.text).toContain('<Encrypt>');
    const passed = [];
    for (let i = 0; i < 6; i++) if ((await statusOf(studentNo(i), 'library')) === 'passed') passed.push(i);
    expect(passed).toHaveLength(3); // the Feishu tap above, and these two
  });
});
