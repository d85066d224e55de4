// English on WeCom end to end: a student switches to English, asks status, is passed by a librarian and is told in
// English, while the librarian's cards stay Chinese; every English card keeps within template_card's lengths.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from '../support/db.ts';
import { seedSeason, studentNo } from '../support/season.ts';
import { startWecomService, type WecomService } from '../support/wecom-service.ts';
import { wecomTap, wecomText } from '../support/wecom-sign.ts';

const STUDENT = studentNo(0);
let db: TestDb;
let service: WecomService;
const post = (inner: string) => service.post(inner);
const drain = () => service.drain();

type TemplateCard = {
  main_title: { title: string; desc: string };
  sub_title_text?: string;
  button_list?: { text: string; key: string }[];
  horizontal_content_list?: { keyname: string; value: string }[];
};
const sent = (userid: string) => service.cardsTo(userid);
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
  service = await startWecomService(db);
});
afterAll(async () => {
  await service.close();
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
    const res = await post(wecomTap('library', confirm.key, preview.task_id!, [], service.fake.mintResponseCode()));
    expect(res.status).toBe(200);
    if (res.text) {
      const reply = service.reply(res.text);
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
