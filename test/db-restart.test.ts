// PostgreSQL restarted under load: no acknowledged decision is lost, and the service's pool heals without a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer as netServer, type AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MikroORM } from '@mikro-orm/postgresql';
import { startEmbeddedPostgres, type EmbeddedDb } from '../src/db/embedded.ts';
import { ensureDatabase } from '../src/db/ensure-database.ts';
import { migrate, openOrm } from '../src/db/orm.ts';
import { migrateQueue } from '../src/queue/worker.ts';
import { importStudents } from '../src/imports/students.ts';
import { loadWorkflow } from '../src/workflow/load.ts';
import { createServer } from '../bot/server.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { studentNo, studentsCsv } from './support/season.ts';

const TOKEN = 'restart-test-token-0123456789';
let dir: string;
let pg: EmbeddedDb;
let orm: MikroORM;
let server: Server;
let url: string;
let port: number;
const log = createLogger('silent');
const wf = loadWorkflow();

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = netServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lixiao-restart-'));
  chmodSync(dir, 0o755);
  port = await freePort();
  pg = await startEmbeddedPostgres(join(dir, 'pg'), {}, port);
  await ensureDatabase(pg.url('postgres'), 'lixiao');
  orm = await openOrm(pg.url('lixiao'));
  await migrate(orm);
  await migrateQueue(pg.url('lixiao'), log);
  await importStudents(orm.em.fork(), wf, studentsCsv(300), 's.csv');
  const config = loadConfig({ DATABASE_URL: pg.url('lixiao'), LIXIAO_API_TOKENS: `library:${TOKEN}` });
  server = createServer({ orm, wf, config, log }).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/decisions`;
}, 120_000);
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await orm?.close();
  await pg?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('PostgreSQL restarted under load', () => {
  it('keeps every acknowledged decision and heals its pool', async () => {
    const acked: string[] = [];
    let failed = 0;
    const tap = async (i: number) => {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ decisions: [{ student_no: studentNo(i), decision: 'pass' }] }),
        });
        const body = (await res.json()) as { results?: { outcome: string }[] };
        if (res.status === 200 && body.results?.[0]?.outcome === 'applied') acked.push(studentNo(i));
        else failed++;
      } catch {
        failed++;
      }
    };
    let i = 0;
    const load = (async () => {
      while (i < 250) {
        await Promise.all([tap(i++), tap(i++), tap(i++), tap(i++), tap(i++)]);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    await pg.stop(); // fast shutdown: in-flight transactions roll back, committed ones stay
    await new Promise((r) => setTimeout(r, 300));
    pg = await startEmbeddedPostgres(join(dir, 'pg'), {}, port);
    await load;
    // the same service, no restart: new requests succeed again
    const after = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ decisions: [{ student_no: studentNo(299), decision: 'pass' }] }),
    });
    expect(after.status).toBe(200);
    const passed = await orm.em
      .fork()
      .getConnection()
      .execute<{ student_no: string }[]>(
        `select s.student_no from clearance c join student s on s.id = c.student_id where c.step_key = 'library' and c.status = 'passed'`,
      );
    const passedSet = new Set(passed.map((r) => r.student_no));
    expect(acked.filter((no) => !passedSet.has(no))).toEqual([]); // nothing acknowledged was lost
    expect(acked.length).toBeGreaterThan(0);
    expect(failed).toBeGreaterThan(0); // the restart did happen under load
  }, 60_000);
});
