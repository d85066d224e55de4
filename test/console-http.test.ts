import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDb, type TestDb } from './support/db.ts';
import { seedSeason, studentNo } from './support/season.ts';
import { startServer, type TestServer } from './support/http.ts';
import { consoleWanted } from '../bot/console/wanted.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { ConsoleInbox } from '../bot/console/inbox.ts';
import { createServer } from '../bot/server.ts';
import type { AddressInfo } from 'node:net';
import { request } from 'node:http';

let db: TestDb;
let srv: TestServer;
let url: string;
let close: () => void;

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 3);
  const server = createServer({
    orm: db.orm,
    wf: db.wf,
    config: loadConfig({ DATABASE_URL: db.url }),
    log: createLogger('silent'),
    inbox: new ConsoleInbox(),
  }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
  srv = await startServer(db); // no console
});
afterAll(async () => {
  close();
  await srv.close();
  await db.close();
});

describe('the supervisor form', () => {
  it('is served, prefilled, for the student’s token and for nothing else', async () => {
    const [s] = await db.sql<{ form_token: string }>('select form_token from student where student_no = $1', [
      studentNo(1),
    ]);
    const ok = await fetch(`${srv.url}/forms/supervisor/${s!.form_token}`);
    expect(ok.status).toBe(200);
    const html = await ok.text();
    expect(html).toContain('重庆大学研究生导师准许学生离校确认书');
    expect(html).toContain('<span class="fill">学生1</span>');
    expect(html).toContain(`<span class="fill">${studentNo(1)}</span>`);
    expect(html).toContain('硕士研究生');
    expect(ok.headers.get('cache-control')).toBe('private, no-store');
    for (const bad of ['0'.repeat(64), studentNo(1), `${s!.form_token.slice(0, 63)}x`])
      expect((await fetch(`${srv.url}/forms/supervisor/${bad}`)).status).toBe(404);
  });
});

describe('the console over HTTP', () => {
  it('is absent when not switched on', async () => {
    expect((await fetch(`${srv.url}/console`)).status).toBe(404);
    expect((await fetch(`${srv.url}/console/api/say`, { method: 'POST', body: '{}' })).status).toBe(404);
  });

  it('answers as the chosen person, and an unknown person id sees nothing', async () => {
    const [p] = await db.sql<{ id: number }>(`select id from person where wecom_userid = 'stu1'`);
    const say = (person: number, text: string) =>
      fetch(`${url}/console/api/say`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ person, text }),
      }).then((r) => r.json());
    const mine = await say(p!.id, '进度');
    expect(mine.cards[0]).toContain('data-card-type="status"');
    expect(mine.cards[0]).toContain('学生1 的离校进度');
    const nobody = await say(999999, '进度');
    expect(nobody.cards).toHaveLength(1);
    expect(nobody.cards[0]).toContain('data-card-type="unknown_person"');
  });

  it('refuses foreign hosts, other origins, proxies and non-JSON posts (no cross-site or rebinding)', async () => {
    const port = new URL(url).port;
    const post = (headers: Record<string, string>) =>
      fetch(`${url}/console/api/say`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ person: 1, text: '进度' }),
      });
    // fetch may not set Host: a raw request does, as a rebinding attacker's browser would after DNS points evil.example here
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/console/api/people', headers: { host: `evil.example:${port}` } },
        (res) => resolve(res.statusCode ?? 0),
      );
      req.on('error', reject);
      req.end();
    });
    expect(rebound).toBe(403);
    expect((await post({ origin: 'http://evil.example' })).status).toBe(403);
    expect((await post({ 'x-forwarded-for': '203.0.113.9' })).status).toBe(403);
    expect((await post({ 'content-type': 'text/plain' })).status).toBe(415);
    expect((await post({ origin: url })).status).toBe(200);
  });

  it('rejects malformed requests', async () => {
    const r = await fetch(`${url}/console/api/tap`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ person: 'x', value: {} }),
    });
    expect(r.status).toBe(400);
  });
});

describe('when the console may be on', () => {
  const log = createLogger('silent');
  it('on only when nothing says this is a real deployment, or when forced; off when a platform is configured', () => {
    expect(consoleWanted(loadConfig({}), log)).toBe(true);
    expect(consoleWanted(loadConfig({ DATABASE_URL: 'postgres://x@127.0.0.1/y' }), log)).toBe(false);
    expect(consoleWanted(loadConfig({ DATABASE_URL: 'postgres://x@127.0.0.1/y', LIXIAO_CONSOLE: 'on' }), log)).toBe(
      true,
    );
    expect(consoleWanted(loadConfig({ HOST: '0.0.0.0' }), log)).toBe(false);
    expect(consoleWanted(loadConfig({ HOST: '0.0.0.0', LIXIAO_CONSOLE: 'on' }), log)).toBe(true);
    expect(consoleWanted(loadConfig({ LIXIAO_CONSOLE: 'off' }), log)).toBe(false);
    expect(
      consoleWanted(loadConfig({ FEISHU_APP_ID: 'a', FEISHU_APP_SECRET: 'b', FEISHU_VERIFICATION_TOKEN: 'v' }), log),
    ).toBe(false);
  });
});
