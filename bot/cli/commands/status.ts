// `lixiao status STUDENT_NO [--json]`: one student's steps.
import { parseArgs } from 'node:util';
import { studentStatus } from '../../../src/reports/student-status.ts';
import { localDateTime } from '../../../src/time.ts';
import { CliError, UsageError, type CliContext } from '../context.ts';
import { table } from '../format.ts';

const LABEL = { pending: '待办理', passed: '已通过', returned: '已退回', not_applicable: '无需办理' } as const;

export async function statusCommand(ctx: CliContext, argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError('status takes one STUDENT_NO');
  const s = await studentStatus(await ctx.em(), ctx.wf, positionals[0]!);
  if (!s) throw new CliError(`no student with number ${positionals[0]}`);
  if (values.json) return ctx.out(JSON.stringify(s));
  ctx.out(`${s.student_no} ${s.name}  ${s.college}  ${s.campus ?? ''}  ${s.exit_type}  截止日期 ${s.deadline ?? '-'}`);
  ctx.out(
    table(
      s.steps.map((st) => ({
        环节: st.name,
        状态: LABEL[st.status],
        决定人: st.decided_by,
        时间: st.decided_at ? localDateTime(new Date(st.decided_at), ctx.config.timezone) : null,
        原因: st.reason,
      })),
      ['环节', '状态', '决定人', '时间', '原因'],
    ),
  );
}
