// The WeCom bot end to end: signed, encrypted callbacks into the real service, its API client talking to a fake WeCom.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { freshDb, type TestDb } from '../support/db.ts';
import { seedSeason, STAFF_CSV, studentNo } from '../support/season.ts';
import { startFakeWecom, type FakeWecom } from '../support/fake-wecom.ts';
import { wecomPost, wecomQuery, wecomTap, wecomText, type WecomApp } from '../support/wecom-sign.ts';
import { wecomDecrypt, wecomEncrypt, wecomSignature } from '../../bot/wecom/crypto.ts';
import { parseWecomXml, field } from '../../bot/wecom/xml.ts';
import { createServer, handlerDeps } from '../../bot/server.ts';
import { createWecom, type Wecom } from '../../bot/wecom/index.ts';
import { notifyListener } from '../../bot/delivery/notify.ts';
import { runQueueOnce, taskList, workerLogger } from '../../src/queue/worker.ts';
import { importStaff } from '../../src/imports/staff.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';

const APP: WecomApp = {
  corpId: 'ww1436e0e65a779aee',
  token: 'QDG6eK',
  aesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
};
let db: TestDb;
let fake: FakeWecom;
let wecom: Wecom;
let server: Server;
let url: string;
const log = createLogger('silent');

async function post(inner: string, opts: { ts?: number; corpId?: string; query?: string; body?: string } = {}) {
  const r = wecomPost(APP, inner, opts);
  const res = await fetch(`${url}/wecom/callback?${opts.query ?? r.query}`, {
    method: 'POST',
    body: opts.body ?? r.body,
  });
  return { status: res.status, text: await res.text() };
}

async function drain() {
  const hd = handlerDeps({ orm: db.orm, wf: db.wf, config: loadConfig({ LIXIAO_QUIET_HOURS: 'off' }), log }); // notices at once, whatever the hour the suite runs;
  for (let i = 0; i < 5; i++)
    await runQueueOnce({
      connectionString: db.url,
      taskList: taskList([notifyListener(hd, ['wecom'], 0), ...wecom.listeners], { wecom: wecom.sender }),
      logger: workerLogger(log),
    });
}

const cardsTo = (userid: string) => fake.messages.filter((m) => m.touser === userid && m.msgtype === 'template_card');

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 30);
  await importStaff(db.orm.em.fork(), db.wf, `${STAFF_CSV}\n图书馆员乙,handler,library,*,,library2`, 'staff.csv');
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

describe('WeCom callback', () => {
  it('answers the URL check with the plaintext alone', async () => {
    const echostr = wecomEncrypt(APP.aesKey, '1616140317555161061', APP.corpId);
    const res = await fetch(`${url}/wecom/callback?${wecomQuery(APP, echostr)}&echostr=${encodeURIComponent(echostr)}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('1616140317555161061');
  });

  it('a student writes 进度 and gets the status card; WeCom retrying the delivery sends nothing more', async () => {
    const msg = wecomText('stu0', '进度', '90001');
    expect(await post(msg)).toEqual({ status: 200, text: '' });
    await drain();
    expect(cardsTo('stu0')).toHaveLength(1);
    expect((cardsTo('stu0')[0]!.template_card as any).main_title.title).toBe('学生0 的离校进度');
    expect((await post(msg)).status).toBe(200);
    await drain();
    expect(cardsTo('stu0')).toHaveLength(1);
  });

  it('a librarian gets a checkbox card, passes three at once; the button is renamed, copies redrawn, students told', async () => {
    await post(wecomText('library', '待办'));
    await post(wecomText('library2', '待办'));
    await drain();
    const mine = cardsTo('library').at(-1)!;
    const card = mine.template_card as any;
    expect(card.card_type).toBe('vote_interaction');
    expect(card.checkbox.option_list.length).toBe(20);
    const picked = card.checkbox.option_list.slice(0, 3).map((o: { id: string }) => o.id);
    const res = await post(wecomTap('library', card.submit_button.key, mine.task_id!, picked, fake.mintResponseCode()));
    expect(res.status).toBe(200);
    const reply = parseWecomXml(wecomDecrypt(APP.aesKey, field(parseWecomXml(res.text), 'Encrypt')!, APP.corpId));
    expect(field(reply, 'MsgType')).toBe('update_button');
    expect((reply.Button as any).ReplaceName).toBe('已通过 3 / 3 人');
    await drain();
    const theirs = cardsTo('library2').at(-1)!;
    const redrawn = fake.cardUpdates.filter((u) => u.userids.includes('library2'));
    expect(redrawn).toHaveLength(1);
    expect(redrawn[0]!.response_code).toBe(theirs.response_code);
    expect(JSON.stringify(fake.cardUpdates.filter((u) => u.userids.includes('library')))).toContain('刚才：3 人已通过');
    const told = fake.messages.filter((m) => (m.template_card as any)?.main_title?.title === '图书馆：已通过');
    expect(told).toHaveLength(3);
  });

  it('two librarians submitting the same student at once: one decision', async () => {
    await post(wecomText('library', '待办'));
    await drain();
    const c = cardsTo('library').at(-1)!;
    const card = c.template_card as any;
    const one = [card.checkbox.option_list[0].id];
    const [a, b] = await Promise.all([
      post(wecomTap('library', card.submit_button.key, c.task_id!, one)),
      post(wecomTap('library2', card.submit_button.key, c.task_id!, one)),
    ]);
    const names = [a, b].map(
      (r) =>
        (parseWecomXml(wecomDecrypt(APP.aesKey, field(parseWecomXml(r.text), 'Encrypt')!, APP.corpId)).Button as any)
          .ReplaceName,
    );
    expect(names.filter((n) => n === '已通过')).toHaveLength(1);
    const [id] = one[0].split('.');
    expect(
      await db.sql(
        `select 1 from audit_event e join clearance c on c.student_id = e.student_id and c.step_key = e.step_key where c.id = $1 and e.outcome = 'applied'`,
        [Number(id)],
      ),
    ).toHaveLength(1);
  });

  it('a tap by someone without the step changes nothing', async () => {
    await post(wecomText('library', '待办'));
    await drain();
    const c = cardsTo('library').at(-1)!;
    const card = c.template_card as any;
    const before = await db.sql('select id, status, version from clearance order by id');
    await post(wecomTap('finance', card.submit_button.key, c.task_id!, [card.checkbox.option_list[0].id]));
    expect(await db.sql('select id, status, version from clearance order by id')).toEqual(before);
  });

  it('a one-student card: 通过, then 撤销 (named, within six buttons) re-opens it and the student is told', async () => {
    const no = studentNo(13);
    // the last student of the librarian's day: the card redrawn after the pass is a button card, not a checklist
    await db.sql(
      `update clearance c set status = 'passed', version = version + 1, decided_by_label = '图书馆员', decided_at = now()
         from student s where s.id = c.student_id and c.step_key = 'library' and c.status = 'pending' and s.student_no <> $1`,
      [no],
    );
    await post(wecomText('library', `查 ${no}`));
    await drain();
    const sent = cardsTo('library').at(-1)!;
    const card = sent.template_card as any;
    expect(card.card_type).toBe('button_interaction');
    const pass = card.button_list.find((b: { text: string }) => b.text === '通过');
    const reply = (r: { text: string }) =>
      parseWecomXml(wecomDecrypt(APP.aesKey, field(parseWecomXml(r.text), 'Encrypt')!, APP.corpId)).Button as any;
    expect(
      reply(await post(wecomTap('library', pass.key, sent.task_id!, [], fake.mintResponseCode()))).ReplaceName,
    ).toBe('已通过');
    await drain();
    const redrawn = fake.cardUpdates.filter((u) => u.userids.includes('library')).at(-1)!.template_card as any;
    const undo = redrawn.button_list.find((b: { text: string }) => b.text === '撤销 学生13');
    expect(undo).toBeTruthy();
    expect(redrawn.button_list.length).toBeLessThanOrEqual(6);
    const undone = await post(wecomTap('library', undo.key, sent.task_id!, [], fake.mintResponseCode()));
    expect(reply(undone).ReplaceName).toBe('已撤销，学生会收到通知');
    const [row] = await db.sql<{ status: string }>(
      `select c.status from clearance c join student s on s.id = c.student_id where s.student_no = $1 and step_key = 'library'`,
      [no],
    );
    expect(row!.status).toBe('pending');
    await drain();
    const told = fake.messages.filter(
      (m) => m.touser === 'stu13' && (m.template_card as any)?.main_title?.title === '图书馆：恢复为待办理',
    );
    expect(told).toHaveLength(1);
  });

  it('refuses bad signatures, stale timestamps, another corp’s messages and garbage, changing nothing', async () => {
    const before = await db.sql('select count(*) as n from inbound_event');
    const msg = wecomText('stu1', '进度');
    const good = wecomPost(APP, msg);
    expect(
      (await post(msg, { query: good.query.replace(/msg_signature=[0-9a-f]{4}/, 'msg_signature=0000') })).status,
    ).toBe(401);
    expect((await post(msg, { ts: Math.floor(Date.now() / 1000) - 600 })).status).toBe(401);
    expect((await post(msg, { corpId: 'ww0000000000000000' })).status).toBe(401);
    expect((await post(msg, { body: 'garbage' })).status).toBe(400);
    expect((await post(msg, { body: 'x'.repeat(1024 * 1024 + 1) })).status).toBe(413);
    expect(await db.sql('select count(*) as n from inbound_event')).toEqual(before);
  });

  it('token expiry mid-run and a 45009 storm delay delivery but send each card once', async () => {
    fake.failNext(1, 'token-expired');
    await post(wecomText('stu2', '进度', '90002'));
    await drain();
    const statusCards = (u: string) =>
      cardsTo(u).filter((m) => (m.template_card as any).main_title.title.endsWith('的离校进度'));
    expect(statusCards('stu2')).toHaveLength(1);
    fake.failNext(2, '45009');
    await post(wecomText('stu3', '进度', '90003'));
    await drain();
    await db.sql(`update graphile_worker._private_jobs set run_at = now()`); // skip the minute's wait
    await drain();
    await db.sql(`update graphile_worker._private_jobs set run_at = now()`);
    await drain();
    expect(statusCards('stu3')).toHaveLength(1);
  }, 30_000);
});

it('signs what WeCom would sign (the helper agrees with the official vector)', () => {
  expect(
    wecomSignature(
      'QDG6eK',
      '1409659589',
      '263014780',
      'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
    ),
  ).toBe('5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3');
});
