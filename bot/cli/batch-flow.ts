// Preview first, then apply: what every import, list, bulk decision and undo goes through on the command line.
// On a terminal the preview is shown and the operator asked y/N (--yes skips the question); --dry-run only shows it;
// without a terminal (scripts, cron) the change is applied at once, as before. A preview's fingerprint goes along to
// the apply, which stops rather than change anything else than what was shown.
import { userInfo } from 'node:os';
import { runBatch, type BatchRun } from '../../src/batches/run-batch.ts';
import type { EntityManager } from '@mikro-orm/postgresql';
import { CliError, type CliContext } from './context.ts';
import { renderChanges } from './preview.ts';

export interface BatchFlags {
  yes?: boolean;
  'dry-run'?: boolean;
}

/** The options every batch command takes (node:util parseArgs). */
export const BATCH_OPTIONS = {
  yes: { type: 'boolean' },
  'dry-run': { type: 'boolean' },
} as const;

export const operator = () => `cli:${userInfo().username}`;

export interface BatchCommand<T> {
  kind: string;
  /** what the command is, for the preview's first line */
  title: string;
  run: (em: EntityManager, batchId: number) => Promise<T>;
  /** lines about the result that matter before the list of changes (a list's step and how many it passes) */
  headline?: (result: T) => string[];
  /** lines after the list of changes (rows left as they were, refusals) */
  details?: (result: T) => string[];
  /** the one-line result once applied */
  applied: (result: T) => string;
}

export async function previewThenApply<T>(
  ctx: CliContext,
  flags: BatchFlags,
  cmd: BatchCommand<T>,
): Promise<BatchRun<T> | null> {
  const em = await ctx.em();
  const meta = { kind: cmd.kind, by: operator() };
  let expect: string | undefined;
  const previewing = Boolean(flags['dry-run'] || (ctx.interactive && !flags.yes));
  if (previewing) {
    const preview = await runBatch(em, meta, cmd.run, { apply: false });
    ctx.out(
      [
        `preview of ${cmd.title}${flags['dry-run'] ? ' (dry run: nothing is changed)' : ''}:`,
        ...(cmd.headline?.(preview.result) ?? []),
        ...renderChanges(ctx.wf, preview.changes),
        ...(cmd.details?.(preview.result) ?? []),
      ].join('\n'),
    );
    if (flags['dry-run']) return null;
    if (!(await ctx.ask('apply these changes? [y/N] '))) throw new CliError('not applied; nothing changed');
    expect = preview.fingerprint;
  }
  const run = await runBatch(em, meta, cmd.run, { apply: true, expect });
  ctx.out(cmd.applied(run.result));
  if (!previewing) for (const line of cmd.details?.(run.result) ?? []) ctx.out(line);
  ctx.out(`batch ${run.id}: ${run.changes.rows} rows changed; to undo: lixiao undo ${run.id}`);
  return run;
}
