// `lixiao batches [--json]` lists applied batches, newest first; `lixiao undo ID [--yes|--dry-run]` reverts one.
import { parseArgs } from 'node:util';
import { listBatches } from '../../../src/batches/list-batches.ts';
import { undoBatch } from '../../../src/batches/undo.ts';
import { localDateTime } from '../../../src/time.ts';
import { CliError, UsageError, type CliContext } from '../context.ts';
import { table } from '../format.ts';
import { BATCH_OPTIONS, previewThenApply } from '../batch-flow.ts';

export async function batchesCommand(ctx: CliContext, argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, limit: { type: 'string' } } });
  const limit = Number(values.limit ?? 50);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new CliError('--limit must be 1 to 10000');
  const batches = await listBatches(await ctx.em(), limit);
  if (values.json)
    return ctx.out(JSON.stringify(batches.map(({ id, kind, at, by, count }) => ({ id, kind, at, by, count }))));
  if (!batches.length) return ctx.out('no batches yet');
  ctx.out(
    table(
      batches.map((b) => ({
        批次: b.id,
        时间: localDateTime(new Date(b.at), ctx.config.timezone),
        操作人: b.by,
        类型: b.kind,
        行数: b.count,
        撤销: b.undone_by ? `undone by ${b.undone_by}` : b.undoes ? `undoes ${b.undoes}` : '',
      })),
      ['批次', '时间', '操作人', '类型', '行数', '撤销'],
    ),
  );
}

export async function undoCommand(ctx: CliContext, argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...BATCH_OPTIONS } });
  if (positionals.length !== 1 || !/^\d+$/.test(positionals[0]!))
    throw new UsageError('undo takes one batch ID (see lixiao batches)');
  const id = Number(positionals[0]);
  const left = (r: { left: { what: string; why: string }[] }) =>
    r.left.length ? [`  left as they are: ${r.left.length}`, ...r.left.map((l) => `      ${l.what}: ${l.why}`)] : [];
  await previewThenApply(ctx, values, {
    kind: 'undo',
    title: `undo of batch ${id}`,
    run: (em, undoId) => undoBatch(em, ctx.wf, id, undoId),
    headline: (r) => [
      `  batch ${r.undoes.id}: ${r.undoes.kind} by ${r.undoes.by} at ${localDateTime(new Date(r.undoes.at), ctx.config.timezone)}`,
    ],
    details: left,
    applied: (r) => `batch ${id} undone: ${r.restored} rows restored, ${r.left.length} left as they are`,
  });
}
