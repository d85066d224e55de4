// The supervisor (导师) on Feishu end to end: signed callbacks into the real service, the real SDK talking to a fake Feishu.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from '../support/db.ts';
import { seedSupervisedSeason, studentNo } from '../support/season.ts';
import type { FakeFeishu } from '../support/fake-feishu.ts';
import { startFeishuService, type FeishuService } from '../support/feishu-service.ts';
import { feishuMessage, feishuTap, feishuButtons } from '../support/feishu-sign.ts';

const KEY = 'feishu-encrypt-key-for-tests';
let db: TestDb;
let fake: FakeFeishu;
let service: FeishuService;

const post = (payload: object) => service.post(payload);
const message = (openId: string, text: string) => feishuMessage(openId, text);
const tap = feishuTap;
const drain = () => service.drain();
const buttons = feishuButtons;
const sentTo = (openId: string) => fake.messages.filter((m) => m.receive_id === openId);
const titled = (openId: string, title: string) =>
  sentTo(openId).filter((m) => (m.content as any).header?.title?.content === title);
const row = async (no: string) =>
  (
    await db.sql<{ id: number; status: string; decided_by_label: string | null; reason: string | null }>(
      `select c.id, c.status, c.decided_by_label, c.reason from clearance c join student s on s.id = c.student_id
        where s.student_no = $1 and step_key = 'supervisor'`,
      [no],
    )
  )[0]!;

beforeAll(async () => {
  db = await freshDb();
  await seedSupervisedSeason(db, 6);
  service = await startFeishuService(db, KEY);
  ({ fake } = service);
});
afterAll(async () => {
  await service.close();
  await db.close();
});

describe('the supervisor on Feishu', () => {
  it('a forged tap on another supervisor’s student changes nothing', async () => {
    const other = await row(studentNo(1));
    const res = await post(tap('ou_sup-li', { a: 'pass', c: other.id, v: 1 }));
    expect(res.json.toast.type).toBe('error');
    expect((await row(studentNo(1))).status).toBe('pending');
  });

  it('confirms two students from one card; the secretary’s card shows it; each student is told', async () => {
    await post(message('ou_sup-li', '待办'));
    await drain();
    const card = sentTo('ou_sup-li').at(-1)!;
    const agree = buttons(card.content).filter((b) => b.label === '同意离校');
    expect(agree).toHaveLength(2);
    expect(JSON.stringify(card.content)).toContain('仪器归还 · 公共设备归还 · 公款归还 · 课题移交 · 涉密资料移交');
    const first = await post(tap('ou_sup-li', agree[0]!.value, card.message_id));
    expect(first.json.toast).toEqual({ type: 'success', content: '已同意离校' });
    const second = await post(tap('ou_sup-li', agree[1]!.value, card.message_id));
    expect(second.json.toast).toEqual({ type: 'success', content: '已同意离校' });
    expect(JSON.stringify(second.json.card.data)).toContain('已同意离校 · 李老师');
    expect((await row(studentNo(0))).status).toBe('passed');
    expect((await row(studentNo(3))).status).toBe('passed');
    await drain();
    expect(titled('ou_stu0', '导师：已同意离校')).toHaveLength(1);
    expect(titled('ou_stu3', '导师：已同意离校')).toHaveLength(1);
    await post(message('ou_sec-cs', '待办'));
    await drain();
    expect(JSON.stringify(sentTo('ou_sec-cs').at(-1)!.content)).toMatch(/导师已在线确认：李老师 \d{4}-\d{2}-\d{2}/);
  });

  it('暂不同意 needs a reason; with one, the student reads it', async () => {
    await post(message('ou_sup-wang', '待办'));
    await drain();
    const card = sentTo('ou_sup-wang').at(-1)!;
    const no = buttons(card.content).find((b) => b.label === '暂不同意')!;
    const bare = await post(tap('ou_sup-wang', no.value, card.message_id));
    expect(bare.json.toast.content).toBe('暂不同意需要填写原因');
    expect((await row(studentNo(1))).status).toBe('pending');
    const res = await post(tap('ou_sup-wang', no.value, card.message_id, { reason: '涉密资料未移交' }));
    expect(res.json.toast).toEqual({ type: 'success', content: '已记录暂不同意，学生会收到通知' });
    expect(JSON.stringify(res.json.card.data)).toContain('暂不同意 · 王老师');
    expect(await row(studentNo(1))).toMatchObject({ status: 'returned', reason: '涉密资料未移交' });
    await drain();
    const told = titled('ou_stu1', '导师：暂不同意');
    expect(told).toHaveLength(1);
    expect(JSON.stringify(told[0]!.content)).toContain('涉密资料未移交');
  });

  it('an authorised person decides for the supervisor, and the audit names both', async () => {
    await db.sql(`update person set feishu_open_id = 'ou_zhang' where staff_no = 'T100'`);
    await post(message('ou_sup-wang', '授权 张三'));
    await drain();
    expect((sentTo('ou_sup-wang').at(-1)!.content as any).header.title.content).toBe('已授权 张三');
    await post(message('ou_zhang', '待办'));
    await drain();
    const card = sentTo('ou_zhang').at(-1)!;
    const agree = buttons(card.content).filter((b) => b.label === '同意离校');
    expect(agree).toHaveLength(1);
    const res = await post(tap('ou_zhang', agree[0]!.value, card.message_id));
    expect(res.json.toast.type).toBe('success');
    expect(await row(studentNo(1))).toMatchObject({ status: 'passed', decided_by_label: '张三（受王老师授权）' });
    const [audit] = await db.sql<{ actor_label: string; detail: Record<string, unknown> }>(
      `select actor_label, detail from audit_event where step_key = 'supervisor' and outcome = 'applied' order by id desc limit 1`,
    );
    expect(audit).toMatchObject({
      actor_label: '张三（受王老师授权）',
      detail: { as_role: 'supervisor', acting_for: { name: '王老师' } },
    });
  });
});
