// The supervisor (导师) on WeCom end to end: the checkbox card of their students, 暂不同意 by chat, authorisation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from '../support/db.ts';
import { seedSupervisedSeason, studentNo } from '../support/season.ts';
import { startWecomService, type WecomService } from '../support/wecom-service.ts';
import { wecomTap, wecomText } from '../support/wecom-sign.ts';

let db: TestDb;
let service: WecomService;
const post = (inner: string) => service.post(inner);
const drain = () => service.drain();
const cardsTo = (userid: string) => service.cardsTo(userid);
const reply = (text: string) => service.reply(text);
const titled = (userid: string, title: string) =>
  cardsTo(userid).filter((m) => (m.template_card as any).main_title?.title === title);
const row = async (no: string) =>
  (
    await db.sql<{
      id: number;
      version: number;
      status: string;
      decided_by_label: string | null;
      reason: string | null;
    }>(
      `select c.id, c.version, c.status, c.decided_by_label, c.reason from clearance c join student s on s.id = c.student_id
        where s.student_no = $1 and step_key = 'supervisor'`,
      [no],
    )
  )[0]!;

beforeAll(async () => {
  db = await freshDb();
  await seedSupervisedSeason(db, 6);
  service = await startWecomService(db);
});
afterAll(async () => {
  await service.close();
  await db.close();
});

describe('the supervisor on WeCom', () => {
  it('a forged selection of another supervisor’s student changes nothing', async () => {
    await post(wecomText('sup-li', '待办'));
    await drain();
    const c = cardsTo('sup-li').at(-1)!;
    const card = c.template_card as any;
    const other = await row(studentNo(1));
    await post(wecomTap('sup-li', card.submit_button.key, c.task_id!, [`${other.id}.${other.version}`]));
    expect((await row(studentNo(1))).status).toBe('pending');
  });

  it('ticks both students on one checkbox card and submits 同意所选; the secretary sees it, the students are told', async () => {
    await post(wecomText('sup-li', '待办'));
    await drain();
    const c = cardsTo('sup-li').at(-1)!;
    const card = c.template_card as any;
    expect(card.card_type).toBe('vote_interaction');
    expect(card.submit_button.text).toBe('同意所选');
    const ids = card.checkbox.option_list.map((o: { id: string }) => o.id);
    expect(ids).toHaveLength(2);
    const res = await post(
      wecomTap('sup-li', card.submit_button.key, c.task_id!, ids, service.fake.mintResponseCode()),
    );
    expect((reply(res.text).Button as any).ReplaceName).toBe('已同意 2 / 2 人');
    expect((await row(studentNo(0))).status).toBe('passed');
    expect((await row(studentNo(3))).status).toBe('passed');
    await drain();
    expect(titled('stu0', '导师：已同意离校')).toHaveLength(1);
    expect(titled('stu3', '导师：已同意离校')).toHaveLength(1);
    await post(wecomText('sec-cs', '待办'));
    await drain();
    const sec = cardsTo('sec-cs').at(-1)!.template_card as any;
    const labels = sec.checkbox.option_list.map((o: { text: string }) => o.text);
    expect(labels.find((l: string) => l.startsWith(studentNo(0)))).toContain('导师✓');
  });

  it('暂不同意 by chat needs a reason; with one, the student reads it', async () => {
    await post(wecomText('sup-wang', `暂不同意 ${studentNo(1)}`));
    await drain();
    expect(JSON.stringify(cardsTo('sup-wang').at(-1))).toContain('需要原因');
    expect((await row(studentNo(1))).status).toBe('pending');
    await post(wecomText('sup-wang', `暂不同意 ${studentNo(1)} 公款未归还`));
    await drain();
    expect(await row(studentNo(1))).toMatchObject({ status: 'returned', reason: '公款未归还' });
    expect(JSON.stringify(titled('stu1', '导师：暂不同意'))).toContain('公款未归还');
  });

  it('an authorised person decides for the supervisor on a one-student button card; the audit names both', async () => {
    await post(wecomText('sup-wang', '授权 T100'));
    await drain();
    await post(wecomText('zhang', '待办'));
    await drain();
    const c = cardsTo('zhang').at(-1)!;
    const card = c.template_card as any;
    expect(card.card_type).toBe('button_interaction');
    const agree = card.button_list.find((b: { text: string }) => b.text === '同意离校');
    expect(agree).toBeTruthy();
    await post(wecomTap('zhang', agree.key, c.task_id!, undefined, service.fake.mintResponseCode()));
    expect(await row(studentNo(1))).toMatchObject({ status: 'passed', decided_by_label: '张三（受王老师授权）' });
    const [audit] = await db.sql<{ actor_label: string; detail: Record<string, unknown> }>(
      `select actor_label, detail from audit_event where step_key = 'supervisor' and outcome = 'applied' order by id desc limit 1`,
    );
    expect(audit).toMatchObject({ actor_label: '张三（受王老师授权）', detail: { acting_for: { name: '王老师' } } });
  });
});
