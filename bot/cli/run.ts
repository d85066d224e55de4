// Runs one CLI command: loads only that command's module, maps failures to exit codes (1 bad input, 2 usage).
import { loadConfig, ConfigError } from '../../src/config.ts';
import { loadWorkflow, WorkflowError } from '../../src/workflow/load.ts';
import { createLogger } from '../../src/log.ts';
import { ImportError } from '../../src/imports/csv.ts';
import { ListError } from '../../src/imports/lists.ts';
import { DecisionError } from '../../src/decisions/types.ts';
import { EmbeddedPostgresError } from '../../src/db/embedded.ts';
import { SeasonError } from '../../src/seasons/season-error.ts';
import { BatchChangedError } from '../../src/batches/run-batch.ts';
import { UndoError } from '../../src/batches/undo.ts';
import { CertificateError } from '../../src/certificates/certificate-error.ts';
import { CliError, UsageError, createContext, type CliContext } from './context.ts';
import { USAGE } from './help.ts';

type Command = (ctx: CliContext, argv: string[]) => Promise<void>;

// Loaded on demand: a command pays only for what it uses (job run loads the handlers, status does not).
const COMMANDS: Record<string, () => Promise<Command>> = {
  migrate: async () => (await import('./commands/misc.ts')).migrateCommand,
  import: async () => (await import('./commands/imports.ts')).importCommand,
  batches: async () => (await import('./commands/batches.ts')).batchesCommand,
  undo: async () => (await import('./commands/batches.ts')).undoCommand,
  status: async () => (await import('./commands/status.ts')).statusCommand,
  report: async () => (await import('./commands/report.ts')).reportCommand,
  spotcheck: async () => (await import('./commands/spot-check.ts')).spotCheckCommand,
  decide: async () => (await import('./commands/decide.ts')).decideCommand,
  demo: async () => (await import('./commands/misc.ts')).demoCommand,
  job: async () => (await import('./commands/misc.ts')).jobCommand,
  purge: async () => (await import('./commands/purge.ts')).purgeCommand,
  workflow: async () => (await import('./commands/workflow.ts')).workflowCommand,
  feishu: async () => (await import('./commands/feishu.ts')).feishuCommand,
  certificate: async () => (await import('./commands/certificate.ts')).certificateCommand,
  verify: async () => (await import('./commands/certificate.ts')).verifyCommand,
  keys: async () => (await import('./commands/certificate.ts')).keysCommand,
  delegate: async () => (await import('./commands/delegate.ts')).delegateCommand,
};

const INPUT_ERRORS = [
  CliError,
  ConfigError,
  WorkflowError,
  ImportError,
  ListError,
  DecisionError,
  EmbeddedPostgresError,
  SeasonError,
  BatchChangedError,
  UndoError,
  CertificateError,
];

export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  // Before the configuration is loaded: checking it is the doctor's job.
  if (name === 'doctor') return (await import('./commands/doctor.ts')).doctorCommand(rest);
  const load = COMMANDS[name!];
  if (!load) {
    process.stderr.write(`lixiao: unknown command "${name}"\n${USAGE}\n`);
    return 2;
  }
  let ctx: CliContext | undefined;
  try {
    const command = await load();
    const config = loadConfig();
    const log = createLogger(process.env.LOG_LEVEL ?? 'warn');
    ctx = createContext(config, loadWorkflow(config.workflowPath), log);
    await command(ctx, rest);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`lixiao: ${e.message}\n(lixiao ${name} --help shows how)\n`);
      return 2;
    }
    if (INPUT_ERRORS.some((cls) => e instanceof cls)) {
      process.stderr.write(`lixiao: ${(e as Error).message}\n`);
      return 1;
    }
    if (e instanceof TypeError && (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`lixiao: ${e.message}\n(lixiao ${name} --help shows how)\n`);
      return 2;
    }
    process.stderr.write(`lixiao: failed: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  } finally {
    await ctx?.close().catch(() => undefined);
  }
}
