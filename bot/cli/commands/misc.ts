// `lixiao migrate`, `lixiao demo` and `lixiao job run NAME`.
import { hostname } from 'node:os';
import { loadDemoSeason } from '../../../src/demo/season.ts';
import { jobNamed, jobs } from '../../../handlers/index.ts';
import { runJobAsked } from '../../../handlers/jobs/run-job.ts';
import { localDateTime } from '../../../src/time.ts';
import { parseJobTime } from '../../../handlers/jobs/slots.ts';
import { handlerDeps } from '../../server.ts';
import { jobContext } from '../../jobs-context.ts';
import { CliError, UsageError, type CliContext } from '../context.ts';

export async function migrateCommand(ctx: CliContext): Promise<void> {
  await ctx.em(); // opening the database applies pending migrations
  ctx.out('database schema is up to date');
}

export async function demoCommand(ctx: CliContext): Promise<void> {
  const { students } = await loadDemoSeason(await ctx.em(), ctx.wf).catch((e: Error) => {
    throw new CliError(e.message);
  });
  ctx.out(`demo season loaded: ${students} students`);
}

export async function jobCommand(ctx: CliContext, argv: string[]): Promise<void> {
  const now = argv.includes('--now');
  const [verb, name, ...extra] = argv.filter((a) => a !== '--now');
  if (verb !== 'run' || !name || extra.length) throw new UsageError('job run NAME [--now]');
  const job = jobNamed(name);
  if (!job) throw new CliError(`unknown job "${name}"; jobs: ${jobs.map((j) => j.name).join(', ')}`);
  const orm = await ctx.orm();
  // Cards go to the console too when the service would have it on (its worker then puts them in the mailboxes).
  const deps = handlerDeps({ orm, wf: ctx.wf, config: ctx.config, log: ctx.log }, ctx.config.console);
  const at = ctx.config.schedule.has(name) ? parseJobTime(ctx.config.schedule.get(name)!, job.sends) : job.at;
  const run = await runJobAsked(job, jobContext(orm, ctx.wf, ctx.config, deps, new Date()), `cli@${hostname()}`, {
    at,
    quietHours: ctx.config.quietHours,
    now,
  });
  ctx.out(
    run.ran
      ? `${name} ran for slot ${run.slot}: ${JSON.stringify(run.result)}`
      : `${name} slot ${run.slot} was already run by ${run.claimedBy} at ${run.claimedAt}`,
  );
  if (run.ran && run.heldUntil)
    ctx.out(
      `quiet hours (${ctx.config.quietHours}): its messages are queued until ${localDateTime(run.heldUntil, ctx.config.timezone)}; run with --now to send them at once`,
    );
}
