// A scratch PostgreSQL database for one run: on DATABASE_URL's server (created, then dropped) or on an embedded server (started, then stopped).
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { withDatabase } from '../test/support/global-setup.ts';

export interface ScratchDb {
  /** the scratch database's URL */
  url: string;
  /** a line for the report: where the server came from */
  mode: string;
  /** drops the database (external server) or stops and deletes the embedded server */
  drop: () => Promise<void>;
}

async function onServer<T>(serverUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

export async function scratchDatabase(): Promise<ScratchDb> {
  const name = `lixiao_bench_${Date.now()}`;
  const external = process.env.DATABASE_URL;
  if (external) {
    await onServer(external, (c) => c.query(`create database ${name}`));
    return {
      url: withDatabase(external, name),
      mode: `DATABASE_URL server, scratch database ${name}`,
      drop: async () => {
        await onServer(external, (c) => c.query(`drop database if exists ${name} with (force)`));
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'lixiao-bench-pg-'));
  chmodSync(dir, 0o755); // the postgres user must be able to enter it when we run as root
  const removeDir = () => rmSync(dir, { recursive: true, force: true });
  try {
    const embedded = await startEmbeddedPostgres(join(dir, 'pg'));
    try {
      await onServer(embedded.url('postgres'), (c) => c.query(`create database ${name}`));
    } catch (e) {
      await embedded.stop();
      throw e;
    }
    return {
      url: embedded.url(name),
      mode: `embedded PostgreSQL in ${dir}, database ${name}`,
      drop: async () => {
        await embedded.stop();
        removeDir();
      },
    };
  } catch (e) {
    removeDir();
    throw e;
  }
}
