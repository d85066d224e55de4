// MikroORM on PostgreSQL: configuration, connection and migrations.
import { MikroORM, defineConfig } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { fileURLToPath } from 'node:url';
import * as entities from '../entities/index.ts';
import { migrationsList } from '../../migrations/index.ts';

const migrationsDir = fileURLToPath(new URL('../../migrations', import.meta.url));

/** The startup options of every connection of ours (see the comment on driverOptions). */
export const SESSION_OPTIONS = '-c plan_cache_mode=force_generic_plan';

export function ormConfig(clientUrl: string, poolMax = 10, logger: (message: string) => void = () => {}) {
  return defineConfig({
    clientUrl,
    logger,
    entities: Object.values(entities),
    extensions: [Migrator],
    discovery: { warnWhenNoEntities: false },
    // Our code runs as TypeScript (tsx); migrations are committed .ts files.
    preferTs: true,
    migrations: {
      path: migrationsDir,
      pathTs: migrationsDir,
      glob: '!(index|*.d).ts',
      emit: 'ts',
      migrationsList,
      snapshot: false,
      transactional: true,
      allOrNothing: true,
    },
    // A pool that is exhausted fails fast instead of waiting forever (node-postgres' default).
    pool: { min: 0, max: poolMax, acquireTimeoutMillis: 5000, idleTimeoutMillis: 30_000 },
    driverOptions: {
      // Generic plans for our prepared statements (src/db/prepared.ts): their shapes do not depend on the values,
      // and a custom plan would be planned afresh on every call. The setting governs any statement with bound
      // parameters; MikroORM's own queries inline theirs, so in practice it is ours alone.
      connection: {
        connectionTimeoutMillis: 5000,
        statement_timeout: 30_000,
        options: SESSION_OPTIONS,
      },
      // knex's own notices (a connection lost while PostgreSQL restarts) go to our logger, not to the console
      log: { warn: logger, error: logger, deprecate: logger, debug: logger },
    },
    debug: false,
    allowGlobalContext: false,
  });
}

export async function openOrm(
  clientUrl: string,
  poolMax?: number,
  logger?: (message: string) => void,
): Promise<MikroORM> {
  return MikroORM.init(ormConfig(clientUrl, poolMax, logger));
}

export async function migrate(orm: MikroORM): Promise<string[]> {
  const done = await orm.getMigrator().up();
  return done.map((m) => m.name);
}

/** True when every committed migration has been applied. */
export async function migrationsApplied(orm: MikroORM): Promise<boolean> {
  return (await orm.getMigrator().getPendingMigrations()).length === 0;
}
