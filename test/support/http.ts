// Runs createServer(...) on 127.0.0.1 for a test file and gives a small fetch helper.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createServer } from '../../bot/server.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import type { TestDb } from './db.ts';

export interface TestServer {
  url: string;
  post: (
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ) => Promise<{ status: number; json: any; headers: Headers }>;
  close: () => Promise<void>;
}

export async function startServer(db: TestDb, env: Record<string, string> = {}): Promise<TestServer> {
  const config = loadConfig({ DATABASE_URL: db.url, ...env });
  const app = createServer({ orm: db.orm, wf: db.wf, config, log: createLogger('silent') });
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    post: async (path, body, headers = {}) => {
      const res = await fetch(url + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : null, headers: res.headers };
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
