// The service started as a real deployment keeps the console off, even to a request shaped like a reverse proxy's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as netServer, type AddressInfo } from 'node:net';
import { request } from 'node:http';
import { freshDb, type TestDb } from './support/db.ts';
import { seedSeason } from './support/season.ts';
import { consoleDecision, loadConfig } from '../src/config.ts';
import { createServer } from '../bot/server.ts';
import { ConsoleInbox } from '../bot/console/inbox.ts';
import { createLogger } from '../src/log.ts';

let db: TestDb;
let service: ChildProcess | undefined;
let port = 0;
let log = '';

async function freePort(): Promise<number> {
  const s = netServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const p = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return p;
}

/** A request as nginx's default `proxy_pass http://127.0.0.1:3000;` forwards it: HTTP/1.0, Host of the upstream, no X-Forwarded-For, no Origin. */
function asNginxForwards(path: string, to = port): Promise<{ status: number; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: to,
        path,
        headers: { host: '127.0.0.1:3000', connection: 'close', 'user-agent': 'curl/8.5.0', accept: '*/*' },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 2);
  port = await freePort();
  service = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: db.url,
      LIXIAO_API_TOKENS: 'campus_card:0123456789abcdef0123',
      HOST: '127.0.0.1',
      PORT: String(port),
      LIXIAO_SCHEDULER: 'off',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  service.stdout!.on('data', (d) => (log += d));
  service.stderr!.on('data', (d) => (log += d));
  await new Promise<void>((resolve, reject) => {
    const started = () => log.includes('lixiao is listening') && resolve();
    service!.stdout!.on('data', started);
    service!.stderr!.on('data', started);
    service!.once('exit', (code) => reject(new Error(`the service exited (${code}):\n${log}`)));
  });
});
afterAll(async () => {
  if (service && service.exitCode === null) {
    const exited = new Promise((r) => service!.once('exit', r));
    service.kill('SIGTERM');
    await exited;
  }
  await db.close();
});

describe('an API-only deployment on a real database', () => {
  it('answers 404 on the console to a request shaped like nginx’s default proxying', async () => {
    expect((await asNginxForwards('/healthz')).status).toBe(200); // the service is there
    for (const path of ['/console', '/console/api/people', '/console/progress'])
      expect({ path, status: (await asNginxForwards(path)).status }).toEqual({ path, status: 404 });
  });

  it('says at start which rule kept the console off', () => {
    expect(log).toContain('the local web console is off: DATABASE_URL is set (a real database)');
  });
});

describe('which rule decides', () => {
  const decide = (env: Record<string, string>) => {
    const c = loadConfig(env);
    return { on: c.console, rule: c.consoleRule };
  };
  it('is on only when nothing says this is a real deployment', () => {
    expect(decide({})).toEqual({ on: true, rule: expect.stringContaining('nothing says this is a real deployment') });
    expect(decide({ DATABASE_URL: 'postgres://x@127.0.0.1/y' })).toEqual({
      on: false,
      rule: 'DATABASE_URL is set (a real database)',
    });
    expect(decide({ LIXIAO_API_TOKENS: 'library:0123456789abcdef0123' })).toEqual({
      on: false,
      rule: 'LIXIAO_API_TOKENS is set (an integration deployment)',
    });
    expect(decide({ FEISHU_APP_ID: 'a', FEISHU_APP_SECRET: 'b', FEISHU_VERIFICATION_TOKEN: 'v' })).toEqual({
      on: false,
      rule: 'a chat platform is configured (Feishu)',
    });
    expect(decide({ HOST: '0.0.0.0' })).toEqual({ on: false, rule: 'HOST 0.0.0.0 is not a loopback address' });
    expect(decide({ DATABASE_URL: 'postgres://x@127.0.0.1/y', LIXIAO_CONSOLE: 'on' })).toEqual({
      on: true,
      rule: 'LIXIAO_CONSOLE=on',
    });
    expect(decide({ LIXIAO_CONSOLE: 'off' })).toEqual({ on: false, rule: 'LIXIAO_CONSOLE=off' });
    expect(consoleDecision({ setting: undefined, platforms: ['WeCom'], apiTokens: true, host: '127.0.0.1' }).on).toBe(
      false,
    );
  });
});

describe('console pages', () => {
  it('may not be framed by another page', async () => {
    const server = createServer({
      orm: db.orm,
      wf: db.wf,
      config: loadConfig({}),
      log: createLogger('silent'),
      inbox: new ConsoleInbox(),
    }).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const at = (server.address() as AddressInfo).port;
    try {
      for (const path of ['/console', '/console/progress', '/console/api/people']) {
        const r = await fetch(`http://127.0.0.1:${at}${path}`);
        expect(r.status).toBe(200);
        expect(r.headers.get('content-security-policy')).toBe("frame-ancestors 'none'");
        expect(r.headers.get('x-frame-options')).toBe('DENY');
      }
    } finally {
      server.close();
    }
  });
});
