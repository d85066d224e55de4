// `lixiao report [--college X] [--format table|csv|json]`: progress per college and step.
import { parseArgs } from 'node:util';
import { progressReport } from '../../../src/reports/progress.ts';
import type { CliContext } from '../context.ts';
import { parseFormat, render } from '../format.ts';

export async function reportCommand(ctx: CliContext, argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { college: { type: 'string' }, format: { type: 'string' } } });
  const rows = await progressReport(await ctx.em(), ctx.wf, values.college);
  ctx.out(render(rows as unknown as Record<string, unknown>[], ['college', 'step', 'step_name', 'pending', 'passed', 'returned', 'not_applicable'], parseFormat(values.format)));
}
