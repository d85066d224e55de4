// The console as people use it, over HTTP: the person picker in Chinese, a quiet log while the page polls, a progress
// page that fits a laptop screen. (What only a browser can show is in test/browser/console.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { freshDb, type TestDb } from './support/db.ts';
import { seedSeason } from './support/season.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { ConsoleInbox } from '../bot/console/inbox.ts';
import { createServer } from '../bot/server.ts';
import { consolePage } from '../bot/console/page.ts';

let db: TestDb;
let server: Server;
let url: string;
const lines: Record<string, unknown>[] = [];

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 6);
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(l));
      done();
    },
  });
  server = createServer({
    orm: db.orm,
    wf: db.wf,
    config: loadConfig({ DATABASE_URL: db.url }),
    log: createLogger('info', sink),
    inbox: new ConsoleInbox(),
  }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  await db.close();
});

describe('the person picker', () => {
  it('says what each member of staff holds in Chinese: office (scope) · role', async () => {
    const people = (await (await fetch(`${url}/console/api/people`)).json()) as {
      name: string;
      kind: string;
      detail: string;
    }[];
    const detail = (name: string) => people.find((p) => p.name === name)?.detail;
    expect(detail('图书馆员')).toBe('图书馆 · 经办人');
    expect(detail('秘书甲')).toBe('学院研究生教务秘书（计算机学院） · 经办人');
    expect(detail('宿管A')).toBe('学生公寓管理中心（A区） · 经办人');
    expect(detail('院管甲')).toBe('计算机学院 · 学院管理员');
    expect(detail('校管')).toBe('学校管理员');
    expect(detail('学生1')).toBe('202100001 · 机械与运载工程学院 · B区');
    // no English role names or step keys anywhere
    expect(JSON.stringify(people)).not.toMatch(/handler|admin|library|academic_secretary|@/);
    // offices in the handbook's order, then admins, then students
    const staff = people.filter((p) => p.kind === 'staff').map((p) => p.name);
    expect(staff.indexOf('秘书甲')).toBeLessThan(staff.indexOf('图书馆员'));
    expect(staff.indexOf('图书馆员')).toBeLessThan(staff.indexOf('研工办'));
    expect(staff.at(-1)).toBe('校管');
    expect(people.findIndex((p) => p.kind === 'student')).toBe(staff.length);
  });

  it('the page asks to choose someone before anything is sent, and keeps one chat per person', () => {
    const page = consolePage('离校');
    expect(page).toContain('请先在上方“选择身份”中选一个人');
    expect(page).toContain('const chats = new Map()');
  });
});

describe('the log', () => {
  it('has no line for each inbox poll, but keeps every other request and a failed poll', async () => {
    const [p] = await db.sql<{ id: number }>(`select id from person where wecom_userid = 'stu1'`);
    lines.length = 0;
    for (let i = 0; i < 5; i++)
      expect((await fetch(`${url}/console/api/inbox?person=${p!.id}&after=0`)).status).toBe(200);
    await fetch(`${url}/console/api/say`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ person: p!.id, text: '进度' }),
    });
    expect((await fetch(`${url}/console/api/inbox?person=x`)).status).toBe(400);
    const requests = lines
      .filter((l) => l.msg === 'request')
      .map((l) => `${String(l.method)} ${String(l.path)} ${String(l.status)}`);
    expect(requests).toEqual(['POST /console/api/say 200', 'GET /console/api/inbox 400']);
  });
});

describe('/console/progress', () => {
  it('keeps college names on one line and gives each step a fixed narrow column (fits 1280 px)', async () => {
    const html = await (await fetch(`${url}/console/progress`)).text();
    expect(html).toContain('<tr><th class="college">计算机学院</th>');
    expect(html).toMatch(/th\.college\{white-space:nowrap/);
    // eleven step columns of 76 px (+12 px padding) and the widest college name leave room in 1280 px minus margins
    const column = Number(/thead th\{[^}]*width:(\d+)px/.exec(html)![1]);
    const steps = (html.match(/<thead>.*<\/thead>/s)![0].match(/<th>/g) ?? []).length;
    expect(steps).toBe(db.wf.steps.length);
    expect(48 + 9 * 13 + 12 + steps * (column + 12)).toBeLessThanOrEqual(1280);
  });
});
