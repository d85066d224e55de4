// `lixiao decide pass|return|revoke --step KEY [--reason R] [--over-return] STUDENT_NO...`: an admin's decision from the command line.
import { parseArgs } from 'node:util';
import { userInfo } from 'node:os';
import { decide } from '../../../src/decisions/decide.ts';
import type { Decision } from '../../../src/decisions/types.ts';
import { CliError, UsageError, type CliContext } from '../context.ts';
import { table } from '../format.ts';

export async function decideCommand(ctx: CliContext, argv: string[]): Promise<void> {
  const [decision, ...rest] = argv;
  if (decision !== 'pass' && decision !== 'return' && decision !== 'revoke')
    throw new UsageError('decide pass|return|revoke --step KEY [--reason R] [--over-return] STUDENT_NO...');
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { step: { type: 'string' }, reason: { type: 'string' }, 'over-return': { type: 'boolean' } },
  });
  if (!values.step) throw new UsageError('decide needs --step KEY');
  if (!positionals.length) throw new UsageError('decide needs at least one STUDENT_NO');
  if (values['over-return'] && decision !== 'pass') throw new UsageError('--over-return goes with decide pass only');
  const results = await decide(await ctx.em(), ctx.wf, {
    actor: { kind: 'admin', label: `cli:${userInfo().username}` },
    stepKey: values.step,
    decision: decision as Decision,
    source: 'admin',
    // A pass over a return (退回) undoes it: only with --over-return; otherwise that row is a conflict naming the return.
    items: positionals.map((studentNo) => ({ studentNo, reason: values.reason, overReturn: values['over-return'] })),
    via: { platform: 'cli' },
  });
  ctx.out(
    table(results.map((r) => ({ ...r, openSteps: r.openSteps?.join(' ') })) as unknown as Record<string, unknown>[], [
      'studentNo',
      'outcome',
      'status',
      'decidedBy',
      'error',
      'openSteps',
    ]),
  );
  const failed = results.filter((r) => r.outcome !== 'applied' && r.outcome !== 'already_decided');
  if (failed.length) throw new CliError(`${failed.length} of ${results.length} not decided`);
}
