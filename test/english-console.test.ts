// English for international students, in the console over HTTP: a student switches to English, asks status, is passed by
// a librarian and reads the English notice, while the librarian's cards stay Chinese; the lang column of the imports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { freshDb, type TestDb } from './support/db.ts';
import { seedSeason, studentNo } from './support/season.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { ConsoleInbox } from '../bot/console/inbox.ts';
import { createServer, handlerDeps } from '../bot/server.ts';
import { notifyListener } from '../bot/delivery/notify.ts';
import { runQueueOnce, taskList, workerLogger } from '../src/queue/worker.ts';
import { importStudents } from '../src/imports/students.ts';
import { importStaff } from '../src/imports/staff.ts';
import { jobNamed } from '../handlers/index.ts';
import { runJob } from '../handlers/jobs/run-job.ts';

let db: TestDb;
let server: Server;
let url: string;
let inbox: ConsoleInbox;
const log = createLogger('silent');
const STUDENT = studentNo(0);

const personOf = async (wecom: string) =>
  (await db.sql<{ id: number }>('select id from person where wecom_userid = $1', [wecom]))[0]!.id;
async function say(person: number, text: string): Promise<string[]> {
  const res = await fetch(`${url}/console/api/say`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ person, text }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { cards: string[] }).cards;
}
async function tap(person: number, value: unknown): Promise<string> {
  const res = await fetch(`${url}/console/api/tap`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ person, value }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { card: string }).card;
}
const unescape = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
const buttonValue = (html: string, label: string) => {
  const m = new RegExp(`data-value="([^"]*)"[^>]*>${label}</button>`).exec(html);
  if (!m) throw new Error(`no button ${label} in ${html}`);
  return JSON.parse(unescape(m[1]!));
};
async function drain() {
  const hd = handlerDeps({ orm: db.orm, wf: db.wf, config: loadConfig({ LIXIAO_QUIET_HOURS: 'off' }), log, inbox });
  for (let i = 0; i < 4; i++)
    await runQueueOnce({
      connectionString: db.url,
      taskList: taskList([notifyListener(hd, ['console'], 0)], { console: inbox.sender() }),
      logger: workerLogger(log),
    });
}

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 4);
  server = createServer({
    orm: db.orm,
    wf: db.wf,
    config: loadConfig({ DATABASE_URL: db.url, LIXIAO_QUIET_HOURS: 'off' }),
    log,
    inbox: (inbox = new ConsoleInbox()),
  }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await db.close();
});

describe('a student in English, in the console', () => {
  it('writes English: told in English, stored, audited; status is then in English with the step texts of the workflow file', async () => {
    const me = await personOf('stu0');
    const [switched = ''] = await say(me, 'English');
    expect(switched).toContain('Language: English');
    expect((await db.sql('select lang from person where id = $1', [me]))[0]).toEqual({ lang: 'en' });
    const audit = await db.sql<{ action: string; detail: unknown }>(
      `select action, detail from audit_event where actor_person_id = $1 and action = 'person.lang'`,
      [me],
    );
    expect(audit).toEqual([{ action: 'person.lang', detail: { from: null, to: 'en' } }]);
    const [card] = await say(me, 'status');
    expect(card).toContain('lang="en"');
    expect(card).toContain(`Departure clearance: 学生0`); // a name is never translated
    expect(card).toMatch(/<span class="step-name">Library<\/span><span class="step-state">To do<\/span>/);
    expect(card).toContain('Return all books and pay overdue fines');
    expect(card).toContain('Language: English.');
    expect(card).not.toContain('待办理');
  });

  it('a librarian passes the student with English chat words; their own cards stay Chinese, the student is told in English', async () => {
    const librarian = await personOf('library');
    const [preview] = await say(librarian, `pass ${STUDENT}`);
    expect(preview).toContain('将通过');
    const done = await tap(librarian, buttonValue(preview!, '确认通过 1 人'));
    expect(done).toMatch(/通过/);
    expect(done).not.toMatch(/passed|Library/);
    await drain();
    const told = inbox.since(await personOf('stu0'), 0).map((m) => m.card);
    const notice = told.find((c) => c.type === 'notice')!;
    expect(notice.title).toBe('Library: passed');
    expect(notice.summary).toMatch(/^Library has passed\. \d+ steps left\.$/);
    // the librarian's status lookup of the student stays Chinese
    const [status] = await say(librarian, `查 ${STUDENT}`);
    expect(status).toContain('的离校进度');
    expect(status).toContain('已通过');
  });

  it('中文 switches back; language xx is not taken for a language', async () => {
    const me = await personOf('stu0');
    const [back] = await say(me, '中文');
    expect(back).toContain('语言：中文');
    const [card] = await say(me, 'status');
    expect(card).toContain('学生0 的离校进度');
    expect(card).toContain('Send “English” for English.');
    expect((await db.sql('select lang from person where id = $1', [me]))[0]).toEqual({ lang: 'zh' });
    const [help] = await say(me, 'language xx');
    expect(help).toContain('离校助手怎么用');
  });
});

describe('a reminder', () => {
  it('reaches an English reader in English, step names from the workflow file and the deadline as English writes it', async () => {
    const me = await personOf('stu0');
    await say(me, 'English');
    await db.sql(`update student set deadline = '2026-06-23' where student_no = $1`, [STUDENT]);
    const deps = {
      orm: db.orm,
      wf: db.wf,
      timeZone: 'Asia/Shanghai',
      publicUrl: 'http://x',
      platforms: ['console' as const],
    };
    const now = new Date('2026-06-20T02:00:00Z');
    const ctx = {
      em: db.orm.em.fork(),
      wf: db.wf,
      timeZone: 'Asia/Shanghai',
      now,
      deps,
      settings: { remindDays: [7, 3, 1], nearDays: 3 },
    };
    const r = await runJob(jobNamed('remind')!, ctx, 'test');
    expect(r.ran).toBe(true);
    await drain();
    const reminder = inbox
      .since(me, 0)
      .map((m) => m.card)
      .find((c) => c.type === 'reminder')!;
    expect(reminder.title).toBe('Reminder: 3 days left');
    const text = JSON.stringify(reminder.blocks);
    expect(text).toContain('your departure deadline is **23 June 2026**');
    expect(text).toContain('Academic Secretary');
    expect(text.replaceAll('学生0', '')).not.toMatch(/\p{Script=Han}/u); // a name is never translated
  });
});

describe('the supervisor form', () => {
  it('is the official Chinese with an English rendering beside each paragraph for an English reader, Chinese alone otherwise', async () => {
    await say(await personOf('stu0'), 'English');
    const tokens = await db.sql<{ wecom_userid: string; form_token: string }>(
      `select p.wecom_userid, s.form_token from student s join person p on p.id = s.person_id where p.wecom_userid in ('stu0', 'stu1')`,
    );
    const page = async (who: string) =>
      (await fetch(`${url}/forms/supervisor/${tokens.find((r) => r.wecom_userid === who)!.form_token}`)).text();
    const en = await page('stu0');
    expect(en).toContain('该生已完清包括仪器归还');
    expect(en).toContain('<p class="en" lang="en">The student has completed every formality');
    expect(en.indexOf('该生已完清')).toBeLessThan(en.indexOf('The student has completed'));
    const zh = await page('stu1');
    expect(zh).toContain('该生已完清包括仪器归还');
    expect(zh).not.toContain('lang="en"');
    const missing = await fetch(`${url}/forms/supervisor/${'0'.repeat(64)}`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Send “status” to the departure assistant for a new one.');
  });
});

describe('the lang column of the imports', () => {
  it('students and staff take zh / en / 中文 / English under lang or 语言; a blank keeps what is stored; a bad value changes nothing', async () => {
    const em = db.orm.em.fork();
    const head = 'student_no,name,college,campus,wecom_userid';
    await importStudents(em, db.wf, `${head},语言\n${studentNo(1)},学生1,计算机学院,A区,stu1,English\n`, 's.csv');
    await importStudents(em, db.wf, `${head},lang\n${studentNo(2)},学生2,计算机学院,A区,stu2,EN\n`, 's.csv');
    await importStudents(em, db.wf, `${head},lang\n${studentNo(1)},学生1,计算机学院,A区,stu1,\n`, 's.csv');
    await importStaff(
      em,
      db.wf,
      'name,role,step,college,campus,wecom_userid,lang\n图书馆员丙,handler,library,*,,lib3,en',
      'staff.csv',
    );
    const langs = await db.sql<{ wecom_userid: string; lang: string | null }>(
      `select wecom_userid, lang from person where wecom_userid in ('stu1', 'stu2', 'stu3', 'lib3') order by wecom_userid`,
    );
    expect(langs).toEqual([
      { wecom_userid: 'lib3', lang: 'en' },
      { wecom_userid: 'stu1', lang: 'en' },
      { wecom_userid: 'stu2', lang: 'en' },
      { wecom_userid: 'stu3', lang: null },
    ]);
    await expect(
      importStudents(em, db.wf, `${head},lang\n${studentNo(3)},学生3,计算机学院,A区,stu3,fr\n`, 's.csv'),
    ).rejects.toThrow(/lang must be zh, en, 中文 or English/);
    expect((await db.sql(`select lang from person where wecom_userid = 'stu3'`))[0]).toEqual({ lang: null });
  });

  it('a member of staff with lang=en reads English cards', async () => {
    const [help] = await say(await personOf('lib3'), 'help');
    expect(help).toContain('How to use the departure assistant');
    expect(help).toContain('You handle: Library');
  });
});
