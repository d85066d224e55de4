// Opens the database for the service and the CLI: DATABASE_URL, else the embedded PostgreSQL; migrated.
import type { MikroORM } from '@mikro-orm/postgresql';
import { join } from 'node:path';
import type { Config } from '../src/config.ts';
import { startEmbeddedPostgres } from '../src/db/embedded.ts';
import { ensureDatabase } from '../src/db/ensure-database.ts';
import { migrate, openOrm } from '../src/db/orm.ts';
import { migrateQueue } from '../src/queue/worker.ts';
import { safeUrl, type Logger } from '../src/log.ts';

export interface Database {
  orm: MikroORM;
  url: string;
  embedded: boolean;
  close: () => Promise<void>;
}

const EMBEDDED_DB = 'lixiao';

export async function openDatabase(config: Config, log: Logger, opts: { poolMax?: number } = {}): Promise<Database> {
  let url = config.databaseUrl;
  let stopEmbedded = async () => {};
  if (!url) {
    const dataDir = join(config.dataDir, 'pg');
    log.info({ dataDir }, 'no DATABASE_URL: using the embedded PostgreSQL');
    const pg = await startEmbeddedPostgres(dataDir, {
      server: (line) => log.debug({ pg: line }),
      notice: (m) => log.info(m),
    });
    await ensureDatabase(pg.url('postgres'), EMBEDDED_DB);
    url = pg.url(EMBEDDED_DB);
    stopEmbedded = pg.stop;
  }
  try {
    const orm = await openOrm(url, opts.poolMax, (m) => log.debug({ orm: m }));
    const applied = await migrate(orm);
    if (applied.length) log.info({ migrations: applied }, 'database migrated');
    await migrateQueue(url, log);
    log.debug({ url: safeUrl(url) }, 'database ready');
    return {
      orm,
      url,
      embedded: !config.databaseUrl,
      close: async () => {
        await orm.close();
        await stopEmbedded();
      },
    };
  } catch (e) {
    await stopEmbedded();
    throw e;
  }
}
