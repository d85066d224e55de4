// English on Feishu end to end: a student switches to English, asks status, is passed by a librarian and is told in
// English, while the librarian's cards stay Chinese; someone unknown gets a card in both languages (i18n_content).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from '../support/db.ts';
import { seedSeason, studentNo } from '../support/season.ts';
import { startFeishuService, type FeishuService } from '../support/feishu-service.ts';
import { feishuMessage, feishuTap } from '../support/feishu-sign.ts';

const KEY = 'feishu-encrypt-key-for-tests';
const STUDENT = studentNo(0);
let db: TestDb;
let service: FeishuService;

const post = (payload: object) => service.post(payload);
const message = (openId: string, text: string) => feishuMessage(openId, text);
const tap = (openId: string, value: object) => feishuTap(openId, value);

const drain = () => service.drain();
type Sent = { header: { title: { content: string } }; config: Record<string, unknown>; body: { elements: unknown[] } };
const cardsTo = (openId: string) =>
  service.fake.messages.filter((m) => m.receive_id === openId).map((m) => m.content as Sent);
function buttonValue(card: unknown, label: RegExp): Record<string, unknown> {
  let found: Record<string, unknown> | undefined;
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, any>;
    if (o.tag === 'button' && label.test(o.text?.content)) found ??= o.behaviors[0].value;
    Object.values(o).forEach(walk);
  };
  walk(card);
  if (!found) throw new Error(`no button ${label}`);
  return found;
}

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 4);
  service = await startFeishuService(db, KEY);
});
afterAll(async () => {
  await service.close();
  await db.close();
});

describe('a student in English, on Feishu', () => {
  it('switches with English and reads the status card in English', async () => {
    await post(message('ou_stu0', 'English'));
    await post(message('ou_stu0', 'status'));
    await drain();
    const [switched, status] = cardsTo('ou_stu0');
    expect(switched!.header.title.content).toBe('Language: English');
    expect(status!.header.title.content).toBe('Departure clearance: 学生0');
    const text = JSON.stringify(status!.body);
    expect(text).toContain('**Library** · <font color=');
    expect(text).toContain('What to do: Return all books and pay overdue fines');
    expect(text).not.toMatch(/待办理|办理：/);
    // a person whose language is on file gets their language alone
    expect(status!.config.locales).toBeUndefined();
  });

  it('a librarian passes them with “pass”: the librarian’s cards stay Chinese, the student’s notice is English', async () => {
    await post(message('ou_library', `pass ${STUDENT}`));
    await drain();
    const preview = cardsTo('ou_library').at(-1)!;
    expect(preview.header.title.content).toMatch(/按名单通过/);
    const res = await post(tap('ou_library', buttonValue(preview, /^确认通过/)));
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.json.card.data)).toContain('已通过 1 名学生');
    await drain();
    const notice = cardsTo('ou_stu0').at(-1)!;
    expect(notice.header.title.content).toBe('Library: passed');
    expect(JSON.stringify(notice.body)).toMatch(/Library has passed\. \d+ steps left\./);
    expect(JSON.stringify(notice.body)).toContain('Send “status” to see every step.');
  });
});

describe('someone Feishu does not know', () => {
  it('gets one card in both languages: i18n_content on every text and config.locales naming exactly the two', async () => {
    await post(message('ou_stranger', 'hello'));
    await drain();
    const [card] = cardsTo('ou_stranger');
    expect(card!.config.locales).toEqual(['en_us', 'zh_cn']);
    const header = card!.header.title as unknown as { content: string; i18n_content: Record<string, string> };
    expect(header.i18n_content).toEqual({ en_us: 'You are not registered yet', zh_cn: '还没有您的登记信息' });
    for (const el of card!.body.elements as { i18n_content: Record<string, string> }[])
      expect(Object.keys(el.i18n_content).sort()).toEqual(['en_us', 'zh_cn']);
  });
});
