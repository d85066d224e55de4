// `lixiao spotcheck --step KEY [--sample N] [--since YYYY-MM-DD]`: the handbook's 抽查.
import { parseArgs } from 'node:util';
import { spotCheck } from '../../../src/reports/spot-check.ts';
import { stepOf } from '../../../src/workflow/load.ts';
import { CliError, UsageError, type CliContext } from '../context.ts';
import { parseFormat, render } from '../format.ts';
import { localDateTime } from '../../../src/time.ts';

export async function spotCheckCommand(ctx: CliContext, argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      step: { type: 'string' },
      sample: { type: 'string' },
      since: { type: 'string' },
      format: { type: 'string' },
    },
  });
  if (!values.step) throw new UsageError('spotcheck needs --step KEY');
  if (!stepOf(ctx.wf, values.step)) throw new CliError(`unknown step "${values.step}"`);
  const sample = Number(values.sample ?? 20);
  if (!Number.isInteger(sample) || sample < 1 || sample > 1000)
    throw new CliError('--sample must be a whole number from 1 to 1000');
  if (values.since && !/^\d{4}-\d{2}-\d{2}$/.test(values.since)) throw new CliError('--since must be YYYY-MM-DD');
  const rows = await spotCheck(await ctx.em(), { step: values.step, sample, since: values.since });
  if (!rows.length) return ctx.out(`no decisions on ${values.step}${values.since ? ` since ${values.since}` : ''}`);
  ctx.out(
    render(
      rows as unknown as Record<string, unknown>[],
      ['at', 'student_no', 'student', 'action', 'by', 'as_role', 'source', 'from_where', 'reason'],
      parseFormat(values.format),
      {
        headers: {
          at: '时间',
          student_no: '学号',
          student: '姓名',
          action: '操作',
          by: '决定人',
          as_role: '身份',
          source: '来源',
          from_where: '渠道',
          reason: '原因',
        },
        forPeople: (r) => ({ ...r, at: localDateTime(new Date(r.at as string), ctx.config.timezone) }),
      },
    ),
  );
}
