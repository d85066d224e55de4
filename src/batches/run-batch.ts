// Runs an import, list, bulk decision or undo as a batch: once to preview (rolled back), once to apply, and applies
// only if the second run changes exactly what the first one showed (the fingerprint of its changes, re-checked
// inside the applying transaction before the commit).
import { LixiaoError } from '../errors.ts';
import type { EntityManager } from '@mikro-orm/postgresql';
import { insertAudit } from '../audit/insert-audit.ts';
import { fingerprint, type ChangeRow } from './fingerprint.ts';
import { summarize, type ChangeSummary } from './summarize.ts';

export interface BatchMeta {
  /** import.students, import.staff, list.block, list.pass, decide.pass, ..., undo */
  kind: string;
  /** who applies it: cli:<user> */
  by: string;
}

export interface BatchRun<T> {
  /** the applied batch's id; null for a preview */
  id: number | null;
  result: T;
  changes: ChangeSummary;
  fingerprint: string;
}

/** The database changed between the preview and the apply so that the apply would change something else. */
export class BatchChangedError extends LixiaoError {
  readonly code = 'batch_changed';
}

class Preview<T> extends Error {
  constructor(readonly run: BatchRun<T>) {
    super('preview (rolled back)');
  }
}

export interface RunOptions {
  /** false: run, show, and roll back */
  apply: boolean;
  /** the preview's fingerprint: the apply stops unless its changes are the same */
  expect?: string;
}

export async function runBatch<T>(
  em: EntityManager,
  meta: BatchMeta,
  operation: (em: EntityManager, batchId: number) => Promise<T>,
  opts: RunOptions,
): Promise<BatchRun<T>> {
  try {
    return await em.transactional(async (tem) => {
      const t = tem;
      const [batch] = await t.execute<{ id: number }[]>('insert into batch (kind, by) values (?, ?) returning id', [
        meta.kind,
        meta.by,
      ]);
      const id = batch!.id;
      // Transaction-local: the batch_record triggers and audit_event.batch_id read it until the commit or rollback.
      await t.execute(`select set_config('lixiao.batch_id', ?, true)`, [String(id)]);
      const result = await operation(t, id);
      const rows = await t.execute<ChangeRow[]>(
        'select table_name, row_id, before, after from batch_change where batch_id = ? order by seq',
        [id],
      );
      const seasons = new Map(
        (await t.execute<{ id: number; label: string }[]>('select id, label from season')).map((s) => [s.id, s.label]),
      );
      const run: BatchRun<T> = { id, result, changes: await summarize(t, id), fingerprint: fingerprint(rows, seasons) };
      if (!opts.apply) throw new Preview({ ...run, id: null });
      if (opts.expect !== undefined && opts.expect !== run.fingerprint)
        throw new BatchChangedError(
          'the database changed since the preview, so applying now would change something else; nothing changed. Run the command again to see the new preview.',
        );
      // Counts only: the first rows name students, and a season's purge must not leave their names behind here.
      await t.execute('update batch set count = ?, summary = ? where id = ?', [
        rows.length,
        JSON.stringify(counts(run.changes)),
        id,
      ]);
      await insertAudit(t, { actorPersonId: null, actorLabel: meta.by, action: 'batch.apply', stepKey: null }, [
        { outcome: 'applied', studentId: null, detail: { batch: id, kind: meta.kind, count: rows.length } },
      ]);
      return run;
    });
  } catch (e) {
    if (e instanceof Preview) return e.run as BatchRun<T>;
    throw e;
  }
}

/** How many rows of each kind a batch changed, without naming anyone. */
function counts(c: ChangeSummary): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [kind, value] of Object.entries(c) as [string, ChangeSummary[keyof ChangeSummary]][])
    if (typeof value === 'number') out[kind] = value;
    else if (Array.isArray(value)) for (const m of value) out[`${m.step}:${m.from}>${m.to}`] = m.students.count;
    else out[kind] = value.count;
  return out;
}
