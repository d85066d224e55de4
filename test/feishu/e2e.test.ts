// The Feishu bot end to end: signed, encrypted callbacks into the real service, the real SDK talking to a fake Feishu.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from '../support/db.ts';
import { seedSeason, STAFF_CSV, studentNo } from '../support/season.ts';
import type { FakeFeishu } from '../support/fake-feishu.ts';
import { startFeishuService, type FeishuService } from '../support/feishu-service.ts';
import { feishuEvent, feishuRequest, feishuButtons } from '../support/feishu-sign.ts';
import { handlerDeps } from '../../bot/server.ts';
import type { Feishu } from '../../bot/feishu/index.ts';
import { notifyListener } from '../../bot/delivery/notify.ts';
import { runQueueOnce, taskList, workerLogger } from '../../src/queue/worker.ts';
import { importStaff } from '../../src/imports/staff.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';

const KEY = 'feishu-encrypt-key-for-tests';
let db: TestDb;
let fake: FakeFeishu;
let feishu: Feishu;
let service: FeishuService;
let url: string;
const log = createLogger('silent');

async function post(
  payload: object,
  opts: { key?: string; ts?: number; raw?: Buffer; headers?: Record<string, string> } = {},
) {
  const r = feishuRequest(payload, opts.key ?? KEY, opts.ts);
  const res = await fetch(`${url}/feishu/webhook`, {
    method: 'POST',
    headers: { ...r.headers, ...opts.headers },
    body: new Uint8Array(opts.raw ?? r.body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

const message = (openId: string, text: string, messageId = `om_${Math.random().toString(36).slice(2)}`) =>
  feishuEvent('im.message.receive_v1', {
    sender: { sender_id: { open_id: openId }, sender_type: 'user' },
    message: { message_id: messageId, chat_type: 'p2p', message_type: 'text', content: JSON.stringify({ text }) },
  });
const tap = (openId: string, value: object, messageId?: string, formValue?: object) =>
  feishuEvent('card.action.trigger', {
    operator: { open_id: openId },
    token: 'c-token-1',
    action: { tag: 'button', value, ...(formValue ? { form_value: formValue } : {}) },
    context: { open_message_id: messageId },
  });

/** Runs queued jobs until none is left (jobs queue further jobs: a change queues notices). */
async function drain() {
  const hd = handlerDeps({ orm: db.orm, wf: db.wf, config: loadConfig({ LIXIAO_QUIET_HOURS: 'off' }), log }); // notices at once, whatever the hour the suite runs;
  for (let i = 0; i < 5; i++)
    await runQueueOnce({
      connectionString: db.url,
      taskList: taskList([notifyListener(hd, ['feishu'], 0), ...feishu.listeners], { feishu: feishu.sender }),
      logger: workerLogger(log),
    });
}

const buttons = feishuButtons;
const sentTo = (openId: string) => fake.messages.filter((m) => m.receive_id === openId);
const statusOf = async (no: string, step: string) =>
  (
    await db.sql<{ status: string }>(
      'select c.status from clearance c join student s on s.id = c.student_id where s.student_no = $1 and step_key = $2',
      [no, step],
    )
  )[0]!.status;

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 10);
  await importStaff(db.orm.em.fork(), db.wf, `${STAFF_CSV}\n图书馆员乙,handler,library,*,,library2`, 'staff.csv');
  service = await startFeishuService(db, KEY);
  ({ fake, feishu, url } = service);
});
afterAll(async () => {
  await service.close();
  await db.close();
});

describe('Feishu webhook', () => {
  it('answers the URL check', async () => {
    expect(await post({ type: 'url_verification', challenge: 'ch-42', token: 'x' })).toEqual({
      status: 200,
      json: { challenge: 'ch-42' },
    });
  });

  it('a student writes 进度 and receives the status card; a repeated delivery sends nothing more', async () => {
    const ev = message('ou_stu0', '进度', 'om_status_1');
    expect(await post(ev)).toEqual({ status: 200, json: {} });
    await drain();
    const sent = sentTo('ou_stu0');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.msg_type).toBe('interactive');
    expect((sent[0]!.content as any).header.title.content).toBe('学生0 的离校进度');
    const again = { ...ev, header: { ...ev.header, event_id: 'ev_retry' } };
    expect((await post(again)).status).toBe(200);
    await drain();
    expect(sentTo('ou_stu0')).toHaveLength(1);
  });

  it('a librarian taps 通过: answered inline, the other librarian’s copy is patched, the student is told', async () => {
    await post(message('ou_library', '待办'));
    await post(message('ou_library2', '待办'));
    await drain();
    const mine = sentTo('ou_library').at(-1)!;
    const theirs = sentTo('ou_library2').at(-1)!;
    const pass = buttons(mine.content).find((b) => b.label === '通过')!;
    const target = studentNo(
      Number(
        String(
          (mine.content as any).body.elements.find((e: any) => String(e.element_id).startsWith('row_'))?.content ?? '',
        ).match(/2021(\d{5})/)?.[1] ?? 0,
      ),
    );
    const res = await post(tap('ou_library', pass.value, mine.message_id));
    expect(res.status).toBe(200);
    expect(res.json.toast).toEqual({ type: 'success', content: '已通过' });
    expect(JSON.stringify(res.json.card.data)).toContain('已通过 · 图书馆员');
    expect(await statusOf(target, 'library')).toBe('passed');
    await drain();
    const patch = fake.patches.filter((p) => p.message_id === theirs.message_id).at(-1);
    expect(JSON.stringify(patch?.content)).toContain('已通过 · 图书馆员');
    const studentNotices = fake.messages.filter(
      (m) =>
        m.receive_id === `ou_stu${Number(target.slice(4))}` &&
        (m.content as any).header?.title?.content === '图书馆：已通过',
    );
    expect(studentNotices).toHaveLength(1);
  });

  it('撤销 on the librarian’s own result row: answered inline, the other copy is patched, the student is told', async () => {
    await post(message('ou_library', '待办'));
    await post(message('ou_library2', '待办'));
    await drain();
    const mine = sentTo('ou_library').at(-1)!;
    const theirs = sentTo('ou_library2').at(-1)!;
    // a student of its own (others' tests count what students 0-3 were sent)
    const [target] = await db.sql<{ id: number }>(
      `select c.id from clearance c join student s on s.id = c.student_id where s.student_no = $1 and step_key = 'library'`,
      [studentNo(7)],
    );
    const pass = buttons(mine.content).find((b) => b.label === '通过' && b.value.c === target!.id)!;
    const passed = await post(tap('ou_library', pass.value, mine.message_id));
    const undo = buttons(passed.json.card.data).find((b) => b.label === '撤销')!;
    expect(undo.value).toMatchObject({ a: 'undo', c: pass.value.c });
    await drain();
    // the other librarian cannot undo it
    const refused = await post(tap('ou_library2', undo.value, theirs.message_id));
    expect(refused.json.toast.type).toBe('error');
    expect(refused.json.toast.content).toMatch(/只有本人可以撤销$/);
    const patchesBefore = fake.patches.length;
    const res = await post(tap('ou_library', undo.value, mine.message_id));
    expect(res.json.toast).toEqual({ type: 'success', content: '已撤销，学生会收到通知' });
    const [row] = await db.sql<{ status: string; version: number; student_no: string }>(
      'select c.status, c.version, s.student_no from clearance c join student s on s.id = c.student_id where c.id = $1',
      [Number(pass.value.c)],
    );
    expect(row!.status).toBe('pending');
    // the answered card offers 通过 again on the row's new version
    expect(buttons(res.json.card.data).filter((b) => b.value.c === pass.value.c)).toEqual([
      expect.objectContaining({ label: '通过', value: expect.objectContaining({ a: 'pass', v: row!.version }) }),
      expect.objectContaining({ label: '退回', value: expect.objectContaining({ a: 'return', v: row!.version }) }),
    ]);
    await drain();
    const patched = fake.patches
      .slice(patchesBefore)
      .filter((p) => p.message_id === theirs.message_id)
      .at(-1);
    expect(buttons(patched?.content).filter((b) => b.value.c === pass.value.c && b.label === '通过')[0]?.value.v).toBe(
      row!.version,
    );
    const told = fake.messages.filter(
      (m) =>
        m.receive_id === `ou_stu${Number(row!.student_no.slice(4))}` &&
        (m.content as any).header?.title?.content === '图书馆：恢复为待办理',
    );
    expect(told).toHaveLength(1);
  });

  it('a copy that can no longer be patched (recalled) neither fails the change nor keeps the other copies stale', async () => {
    await post(message('ou_library', '待办'));
    await post(message('ou_library2', '待办'));
    await drain();
    const mine = sentTo('ou_library').at(-1)!;
    const theirs = sentTo('ou_library2').at(-1)!;
    // Feishu answers 230011 for a patch of a message that is gone: the copy stays recorded, so every change tries it.
    await db.sql(
      `insert into delivered_card (platform, message_id, person_id, kind, page, clearance_ids)
       select 'feishu', 'om_recalled', person_id, kind, page, clearance_ids from delivered_card where message_id = $1`,
      [theirs.message_id],
    );
    // the card's last row: the students of the first rows have their own tests below
    const pass = buttons(mine.content)
      .filter((b) => b.label === '通过')
      .at(-1)!;
    expect((await post(tap('ou_library', pass.value, mine.message_id))).json.toast).toEqual({
      type: 'success',
      content: '已通过',
    });
    const patchesBefore = fake.patches.length;
    await drain();
    expect(fake.patches.slice(patchesBefore).map((p) => p.message_id)).toContain(theirs.message_id);
    expect(
      await db.sql(`select key, last_error from graphile_worker._private_jobs where last_error is not null`),
    ).toEqual([]);
    await db.sql(`delete from delivered_card where message_id = 'om_recalled'`);
  });

  it('two librarians tapping the same student at once: one decision, the other told who decided', async () => {
    await post(message('ou_library', '待办'));
    await drain();
    const card = sentTo('ou_library').at(-1)!;
    const pass = buttons(card.content).find((b) => b.label === '通过')!;
    const [a, b] = await Promise.all([post(tap('ou_library', pass.value)), post(tap('ou_library2', pass.value))]);
    const toasts = [a.json.toast.content, b.json.toast.content];
    expect(toasts.filter((t) => t === '已通过')).toHaveLength(1);
    expect(toasts.find((t) => t !== '已通过')).toMatch(/^已由 图书馆员(乙)? 处理过$/);
    const audit = await db.sql(
      `select 1 from audit_event e join clearance c on c.student_id = e.student_id and c.step_key = e.step_key where c.id = $1 and e.outcome = 'applied'`,
      [Number(pass.value.c)],
    );
    expect(audit).toHaveLength(1);
  });

  it('a tap by someone who does not hold the step changes nothing', async () => {
    await post(message('ou_library', '待办'));
    await drain();
    const pass = buttons(sentTo('ou_library').at(-1)!.content).find((b) => b.label === '通过')!;
    const before = await db.sql('select id, status, version from clearance order by id');
    const res = await post(tap('ou_finance', pass.value));
    expect(res.json.toast.type).toBe('error');
    expect(await db.sql('select id, status, version from clearance order by id')).toEqual(before);
  });

  it('refuses bad signatures, stale timestamps, garbage and oversized bodies, changing nothing', async () => {
    const before = await db.sql('select count(*) as n from inbound_event');
    const ev = message('ou_stu1', '进度');
    expect((await post(ev, { headers: { 'x-lark-signature': 'f'.repeat(64) } })).status).toBe(401);
    expect((await post(ev, { ts: Math.floor(Date.now() / 1000) - 600 })).status).toBe(401);
    expect((await post(ev, { key: 'someone-elses-key' })).status).toBe(401);
    expect((await fetch(`${url}/feishu/webhook`, { method: 'POST', body: 'not json' })).status).toBe(400);
    expect((await fetch(`${url}/feishu/webhook`, { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) })).status).toBe(
      413,
    );
    expect(await db.sql('select count(*) as n from inbound_event')).toEqual(before);
    await drain();
    expect(
      sentTo('ou_stu1').filter((m) => (m.content as any).header.title.content.endsWith('的离校进度')),
    ).toHaveLength(0);
  });

  it('a 429 storm and a hanging server delay delivery but send each card once', async () => {
    fake.failNext(3, '429');
    await post(message('ou_stu2', '进度', 'om_storm'));
    await drain();
    expect(sentTo('ou_stu2')).toHaveLength(1);
    fake.failNext(1, 'hang');
    await post(message('ou_stu3', '进度', 'om_hang'));
    await drain(); // the send times out and is scheduled for a retry
    await new Promise((r) => setTimeout(r, 3200));
    await drain();
    expect(sentTo('ou_stu3')).toHaveLength(1);
  }, 30_000);
});

describe('identity', () => {
  it('people without an open_id are found by email once and stored; an id already held stays put', async () => {
    const { resolveFeishuIds } = await import('../../bot/feishu/resolve-ids.ts');
    await db.sql(
      `insert into person (name, email) values ('新老师', 'new@example.edu.cn'), ('重复', 'dup@example.edu.cn')`,
    );
    fake.directory.set('new@example.edu.cn', 'ou_new_teacher');
    fake.directory.set('dup@example.edu.cn', 'ou_library'); // already someone else's
    const r = await resolveFeishuIds(db.orm, feishu.api, log);
    expect(r.found).toBe(1);
    expect(await db.sql(`select name from person where feishu_open_id = 'ou_new_teacher'`)).toEqual([
      { name: '新老师' },
    ]);
    expect(await db.sql(`select feishu_open_id from person where name = '重复'`)).toEqual([{ feishu_open_id: null }]);
    const again = await resolveFeishuIds(db.orm, feishu.api, log);
    expect(again.looked).toBe(1); // only the one still without an id
  });
});
