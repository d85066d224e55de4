// Once per test run: a PostgreSQL server (DATABASE_URL's, else an embedded one) and a migrated template database.
import type { TestProject } from 'vitest/node';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedDb } from '../../src/db/embedded.ts';
import { migrate, openOrm } from '../../src/db/orm.ts';
import { migrateQueue } from '../../src/queue/worker.ts';
import { createLogger } from '../../src/log.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    templateDb: string;
  }
}

export function withDatabase(url: string, db: string): string {
  const u = new URL(url);
  u.pathname = `/${db}`;
  return u.toString();
}

export default async function setup(project: TestProject) {
  let embedded: EmbeddedDb | undefined;
  let dataDir: string | undefined;
  let adminUrl: string;
  if (process.env.DATABASE_URL) {
    adminUrl = process.env.DATABASE_URL;
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'lixiao-test-pg-'));
    chmodSync(dataDir, 0o755); // the postgres user must be able to enter it when we run as root
    embedded = await startEmbeddedPostgres(join(dataDir, 'pg'));
    adminUrl = embedded.url('postgres');
  }
  const templateDb = `lixiao_tpl_${process.pid}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${templateDb}`);
  const url = withDatabase(adminUrl, templateDb);
  const orm = await openOrm(url);
  await migrate(orm);
  await orm.close();
  await migrateQueue(url, createLogger('warn'));
  project.provide('pgAdminUrl', adminUrl);
  project.provide('templateDb', templateDb);

  return async () => {
    await admin.query(`drop database if exists ${templateDb}`);
    await admin.end();
    await embedded?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
}
