// `lixiao decide pass|return|revoke --step KEY [--reason R] [--over-return] STUDENT_NO...`: an admin's decision from the
// command line,
// previewed and applied as a batch.
import { parseArgs } from 'node:util';
import type { EntityManager } from '@mikro-orm/postgresql';
import { decide } from '../../../src/decisions/decide.ts';
import type { RowResult } from '../../../src/decisions/types.ts';
import { CliError, UsageError, type CliContext } from '../context.ts';
import { table } from '../format.ts';
import { BATCH_OPTIONS, operator, previewThenApply } from '../batch-flow.ts';

interface DecideRun {
  results: RowResult[];
  /** the final passes revoked first, for a revoke of a finished student's step, and their steps */
  cascaded: RowResult[];
  finals: string[];
}

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
  const nameOf = (key: string) => ctx.wf.steps.find((s) => s.key === key)?.name ?? key;
  const ask = (em: EntityManager, stepKey: string, numbers: string[]) =>
    decide(em, ctx.wf, {
      actor: { kind: 'admin', label: operator() },
      stepKey,
      decision: decision,
      source: 'admin',
      // A pass over a return (退回) undoes it: only with --over-return; otherwise that row is a conflict naming the return.
      items: numbers.map((studentNo) => ({ studentNo, reason: values.reason, overReturn: values['over-return'] })),
      via: { platform: 'cli' },
    });
  const run = await previewThenApply(ctx, values, {
    kind: `decide.${decision}`,
    title: `decide ${decision} --step ${values.step} (${positionals.length} students)`,
    run: async (em): Promise<DecideRun> => {
      const first = await ask(em, values.step!, positionals);
      // An administrator re-opening a step of a finished student means to un-finish them: the final pass that stood
      // on it is revoked first, in the same batch, and the preview says so (a handler's 撤销 stays refused instead).
      const blocked = decision === 'revoke' ? first.filter((r) => r.blockedBy?.length) : [];
      if (!blocked.length) return { results: first, cascaded: [], finals: [] };
      const cascaded: RowResult[] = [];
      const finals = [...new Set(blocked.flatMap((r) => r.blockedBy!))];
      for (const key of finals)
        cascaded.push(
          ...(await ask(
            em,
            key,
            blocked.filter((r) => r.blockedBy!.includes(key)).map((r) => r.studentNo),
          )),
        );
      const again = new Map(
        (
          await ask(
            em,
            values.step!,
            blocked.map((r) => r.studentNo),
          )
        ).map((r) => [r.studentNo, r]),
      );
      return { results: first.map((r) => again.get(r.studentNo) ?? r), cascaded, finals };
    },
    headline: ({ results, cascaded, finals }) => [
      `  ${step?.name ?? values.step} (${values.step}): ${results.filter((r) => r.outcome === 'applied').length} of ${results.length} students would be decided (${decision})`,
      ...(cascaded.length
        ? [
            `  >>> ${cascaded.filter((r) => r.outcome === 'applied').length} of them had finished: ${finals.map(nameOf).join('、')} is revoked first (their certificates too) <<<`,
          ]
        : []),
    ],
    details: ({ results, cascaded }) => [outcomes([...cascaded, ...results])],
    applied: ({ results, cascaded }) =>
      `${decision} on ${step?.name ?? values.step}: ${results.filter((r) => r.outcome === 'applied').length} of ${results.length} decided` +
      (cascaded.length ? `; ${cascaded.filter((r) => r.outcome === 'applied').length} final passes revoked first` : ''),
  });
  const results = run?.result.results;
  if (!results) return;
  const failed = results.filter((r) => r.outcome !== 'applied' && r.outcome !== 'already_decided');
  if (failed.length) throw new CliError(`${failed.length} of ${results.length} not decided`);
}
