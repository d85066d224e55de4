// `lixiao decide pass|return|revoke --step KEY [--reason R] [--over-return] STUDENT_NO...`: an admin's decision from the
// command line,
// previewed and applied as a batch.
import { parseArgs } from 'node:util';
import { decide } from '../../../src/decisions/decide.ts';
import type { Decision, RowResult } from '../../../src/decisions/types.ts';
import { CliError, UsageError, type CliContext } from '../context.ts';
import { table } from '../format.ts';
import { BATCH_OPTIONS, operator, previewThenApply } from '../batch-flow.ts';

const outcomes = (results: RowResult[]) =>
  table(
    results.map((r) => ({
      学号: r.studentNo,
      结果: r.outcome,
      状态: r.status,
      决定人: r.decidedBy,
      原因: r.error ?? r.reason,
      未完成环节: r.openSteps?.join(' '),
    })),
    ['学号', '结果', '状态', '决定人', '原因', '未完成环节'],
  );

export async function decideCommand(ctx: CliContext, argv: string[]): Promise<void> {
  const [decision, ...rest] = argv;
  if (decision !== 'pass' && decision !== 'return' && decision !== 'revoke')
    throw new UsageError('decide pass|return|revoke --step KEY [--reason R] [--over-return] STUDENT_NO...');
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      step: { type: 'string' },
      reason: { type: 'string' },
      'over-return': { type: 'boolean' },
      ...BATCH_OPTIONS,
    },
  });
  if (!values.step) throw new UsageError('decide needs --step KEY');
  if (!positionals.length) throw new UsageError('decide needs at least one STUDENT_NO');
  if (values['over-return'] && decision !== 'pass') throw new UsageError('--over-return goes with decide pass only');
  const step = ctx.wf.steps.find((s) => s.key === values.step);
  const run = await previewThenApply(ctx, values, {
    kind: `decide.${decision}`,
    title: `decide ${decision} --step ${values.step} (${positionals.length} students)`,
    run: (em) =>
      decide(em, ctx.wf, {
        actor: { kind: 'admin', label: operator() },
        stepKey: values.step!,
        decision: decision as Decision,
        source: 'admin',
        // A pass over a return (退回) undoes it: only with --over-return; otherwise that row is a conflict naming the return.
        items: positionals.map((studentNo) => ({
          studentNo,
          reason: values.reason,
          overReturn: values['over-return'],
        })),
        via: { platform: 'cli' },
      }),
    headline: (results) => [
      `  ${step?.name ?? values.step} (${values.step}): ${results.filter((r) => r.outcome === 'applied').length} of ${results.length} students would be decided (${decision})`,
    ],
    details: (results) => [outcomes(results)],
    applied: (results) =>
      `${decision} on ${step?.name ?? values.step}: ${results.filter((r) => r.outcome === 'applied').length} of ${results.length} decided`,
  });
  const results = run?.result;
  if (!results) return;
  const failed = results.filter((r) => r.outcome !== 'applied' && r.outcome !== 'already_decided');
  if (failed.length) throw new CliError(`${failed.length} of ${results.length} not decided`);
}
