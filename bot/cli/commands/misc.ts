// `lixiao migrate`, `lixiao demo` and `lixiao job run NAME`.
import { hostname } from 'node:os';
import { loadDemoSeason } from '../../../src/demo/season.ts';
import { jobNamed, jobs } from '../../../handlers/index.ts';
import { runJob } from '../../../handlers/jobs/run-job.ts';
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
  const [verb, name] = argv;
  if (verb !== 'run' || !name) throw new UsageError('job run NAME');
  const job = jobNamed(name);
  if (!job) throw new CliError(`unknown job "${name}"; jobs: ${jobs.map((j) => j.name).join(', ')}`);
  const orm = await ctx.orm();
  // Cards go to the console too when the service would have it on (its worker then puts them in the mailboxes).
  const deps = handlerDeps({ orm, wf: ctx.wf, config: ctx.config, log: ctx.log }, ctx.config.console);
  const times = ctx.config.schedule.has(name) ? parseJobTime(ctx.config.schedule.get(name)!, job.sends) : job.at;
  const run = await runJob(job, jobContext(orm, ctx.wf, ctx.config, deps, new Date()), `cli@${hostname()}`, times);
  ctx.out(
    run.ran
      ? `${name} ran for slot ${run.slot}: ${JSON.stringify(run.result)}`
      : `${name} slot ${run.slot} was already run by ${run.claimedBy} at ${run.claimedAt}`,
  );
}
