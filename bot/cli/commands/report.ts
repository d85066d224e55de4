// `lixiao report [--college X] [--season S] [--format table|csv|json]`: progress per college and step.
import { parseArgs } from 'node:util';
import { progressReport, type ProgressRow } from '../../../src/reports/progress.ts';
import type { KeptReport } from '../../../src/seasons/purge-season.ts';
import { CliError, type CliContext } from '../context.ts';
import { parseFormat, render } from '../format.ts';

export async function reportCommand(ctx: CliContext, argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { college: { type: 'string' }, season: { type: 'string' }, format: { type: 'string' } },
  });
  const em = await ctx.em();
  let rows: ProgressRow[];
  if (values.season === undefined) rows = await progressReport(em, ctx.wf, values.college);
  else {
    const [season] = await em.execute<{ id: number; report: KeptReport | null }[]>(
      'select id, report from season where label = ?',
      [values.season],
    );
    if (!season) throw new CliError(`no season "${values.season}"`);
    // A purged season has no students left: its report is the one kept at the purge.
    rows = season.report
      ? season.report.rows.filter((r) => values.college === undefined || r.college === values.college)
      : await progressReport(em, ctx.wf, values.college, season.id);
  }
  ctx.out(
    render(
      rows as unknown as Record<string, unknown>[],
      ['college', 'step', 'step_name', 'pending', 'passed', 'returned', 'not_applicable'],
      parseFormat(values.format),
      {
        headers: {
          college: '学院',
          step: '环节',
          step_name: '名称',
          pending: '待办理',
          passed: '已通过',
          returned: '已退回',
          not_applicable: '无需办理',
        },
      },
    ),
  );
}
