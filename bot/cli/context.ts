// What every CLI command gets: configuration, workflow, a lazily opened database, and stdout.
import { LixiaoError } from '../../src/errors.ts';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../../src/config.ts';
import type { Logger } from '../../src/log.ts';
import type { Workflow } from '../../src/workflow/schema.ts';
import { createInterface } from 'node:readline/promises';
import { openDatabase, type Database } from '../database.ts';

/** Wrong words on the command line: exit code 2 with the usage. */
export class UsageError extends LixiaoError {
  readonly code = 'usage';
}
/** Bad input or a refused operation: exit code 1 with the reason. */
export class CliError extends LixiaoError {
  readonly code = 'cli_failed';
}

export interface CliContext {
  config: Config;
  wf: Workflow;
  log: Logger;
  em: () => Promise<EntityManager>;
  orm: () => Promise<MikroORM>;
  out: (text: string) => void;
  progress: (text: string) => void;
  /** a person at a terminal, who can be asked before a change (not a script or cron) */
  interactive: boolean;
  /** asks a yes/no question on the terminal; only yes (y, yes) is yes */
  ask: (question: string) => Promise<boolean>;
  close: () => Promise<void>;
}

export function createContext(config: Config, wf: Workflow, log: Logger): CliContext {
  let db: Promise<Database> | undefined;
  return {
    config,
    wf,
    log,
    em: async () => {
      db ??= openDatabase(config, log, { poolMax: 4 });
      return (await db).orm.em.fork();
    },
    orm: async () => {
      db ??= openDatabase(config, log, { poolMax: 4 });
      return (await db).orm;
    },
    out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
    progress: (text) => process.stderr.write(process.stderr.isTTY ? `\r${text}` : `${text}\n`),
    interactive: Boolean(process.stdin.isTTY),
    ask: async (question) => {
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return /^y(es)?$/i.test((await rl.question(question)).trim());
      } finally {
        rl.close();
      }
    },
    close: async () => {
      if (db) await (await db).close();
    },
  };
}
