// `lixiao purge --season LABEL [--include-open]`: removes a closed season's personal data, keeping its report.
import { parseArgs } from 'node:util';
import { purgeSeason } from '../../../src/seasons/purge-season.ts';
import { UsageError, type CliContext } from '../context.ts';

export async function purgeCommand(ctx: CliContext, argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { season: { type: 'string' }, 'include-open': { type: 'boolean' } },
  });
  if (!values.season) throw new UsageError('purge needs --season LABEL');
  const s = await purgeSeason(await ctx.em(), ctx.wf, values.season, { includeOpen: values['include-open'] });
  ctx.out(
    `season ${s.season} purged: ${s.students} students (${s.open} with steps still open), ${s.clearances} clearances, ${s.people} people, ` +
      `${s.cards} card copies and ${s.queuedSends} queued messages removed; ${s.auditAnonymised} audit rows anonymised; ` +
      `the report is kept (lixiao report --season ${s.season})`,
  );
}
