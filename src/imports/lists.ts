// Office lists (the handbook's batch passes): block lists keep arrears pending and pass everyone else; pass lists pass those listed.
import { LixiaoError } from '../errors.ts';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Workflow } from '../workflow/schema.ts';
import { stepOf } from '../workflow/load.ts';
import { insertAudit, type AuditRow } from '../audit/insert-audit.ts';
import { pgIntArray, pgTextArray } from '../db/pg-array.ts';
import { enqueueClearanceChanges } from '../queue/enqueue.ts';
import { duplicateRows, ImportError, readCsv, type Table } from './csv.ts';
import { studentNo } from './fields.ts';
import { lockStudents } from '../decisions/lock-students.ts';
import { readCommitted } from '../db/retry.ts';
import { foreignReasons, type ForeignReason } from './foreign-reasons.ts';

export type ListMode = 'block' | 'pass';

const listRow = z.object({
  student_no: studentNo,
  reason: z.string().max(500, 'is longer than 500 characters').optional(),
  amount: z
    .string()
    .regex(/^\d{1,10}(\.\d{1,2})?$/, 'must be a number like 120 or 35.50')
    .optional(),
});

export interface ListSummary {
  listed: number;
  /** block: listed students now held pending; pass: 0 */
  blocked: number;
  passed: number;
  /** listed students left as they were: decided by a person, or returned */
  kept: { studentNo: string; status: string; decidedBy: string | null }[];
  /**
   * pass lists: listed students an office had returned (退回), left returned because the list did not say it means to
   * undo returns (overReturn): who returned them, when and why
   */
  conflicts: { studentNo: string; returnedBy: string | null; returnedAt: string | null; reason: string | null }[];
  /** the step's name in Chinese, for saying plainly which office's list this was */
  stepName: string;
  /** reasons that read like another office's (a list aimed at the wrong step?) */
  foreignReasons: ForeignReason[];
}

export class ListError extends LixiaoError {
  readonly code = 'list_invalid';
}

const JOB_CHUNK = 1000;

export async function importList(
  em: EntityManager,
  wf: Workflow,
  opts: {
    step: string;
    mode: ListMode;
    text: string | Table;
    file: string;
    actorLabel: string;
    /** the file's SHA-256 for the audit trail; by default, of `text` */
    sha256?: string;
    /** a pass list may pass students an office returned (退回) */
    overReturn?: boolean;
  },
): Promise<ListSummary> {
  const step = stepOf(wf, opts.step);
  if (!step) throw new ListError(`unknown step "${opts.step}"; steps: ${wf.steps.map((s) => s.key).join(', ')}`);
  if (step.requires.length)
    throw new ListError(`${step.key} waits for other steps, so it is decided student by student, not by list`);
  const { rows, bad } = readCsv(opts.text, opts.file, ['student_no'], listRow);
  bad.push(...duplicateRows(rows, (r) => r.student_no, 'student_no'));
  const sha256 =
    opts.sha256 ??
    createHash('sha256')
      .update(typeof opts.text === 'string' ? opts.text : JSON.stringify(opts.text))
      .digest('hex');

  return readCommitted(em, async (em) => {
    const found = await em.execute<
      {
        student_no: string;
        student_id: number;
        clearance_id: number;
        status: string;
        source: string | null;
        decided_by_label: string | null;
        decided_at: Date | null;
        reason: string | null;
      }[]
    >(
      `select s.student_no, s.id as student_id, c.id as clearance_id, c.status, c.source, c.decided_by_label, c.decided_at, c.reason
         from student s join clearance c on c.student_id = s.id and c.step_key = ? where s.student_no = any(?::text[])`,
      [step.key, pgTextArray(rows.map((r) => r.value.student_no))],
    );
    const byNo = new Map(found.map((f) => [f.student_no, f]));
    for (const r of rows) {
      const f = byNo.get(r.value.student_no);
      if (!f) bad.push({ line: r.line, reason: `unknown student ${r.value.student_no}` });
      else if (f.status === 'not_applicable')
        bad.push({ line: r.line, reason: `${step.name} does not apply to student ${r.value.student_no}` });
    }
    if (bad.length)
      throw new ImportError(
        opts.file,
        bad.sort((a, b) => a.line - b.line),
      );
    // An empty block list would pass every student on the step: almost always a failed export, never a quiet success.
    if (opts.mode === 'block' && rows.length === 0)
      throw new ListError(
        `${opts.file} lists nobody: a block list with no rows would pass all students on ${step.key}; nothing changed`,
      );
    const dependents = wf.steps.filter((d) => d.requires.includes(step.key)).map((d) => d.key);

    const listed = JSON.stringify(
      rows.map((r) => ({
        id: byNo.get(r.value.student_no)!.clearance_id,
        reason: r.value.reason ?? null,
        amount: r.value.amount ?? null,
      })),
    );
    const listedStudentIds = pgIntArray(found.map((f) => f.student_id));
    const changed: { id: number; version: number; student_id: number; before: string; after: string }[] = [];
    if (opts.mode === 'block') {
      // Re-opening a rule pass under a step that waits for this one: the gate's lock first, then the check below reads fresh.
      if (dependents.length) await lockStudents(em, { ids: found.map((f) => f.student_id) });
      // Every row of the step this list may change, locked in id order before any is written (the updates below would
      // lock them in the file's order and the table's): a batch of decisions on the same step locks in id order
      // too, so the two wait for each other instead of deadlocking.
      await em.execute(
        `select 1 from clearance where step_key = ? and (status = 'pending' or (status = 'passed' and source = 'rule'))
          order by id for no key update`,
        [step.key],
      );
      // Listed: held pending with the list's reason; an earlier rule pass is undone, a person's decision is not.
      const held = await em.execute<typeof changed>(
        `update clearance c set status = 'pending', reason = coalesce(x.reason, '名单未结清'), amount = x.amount, decided_by_id = null,
                decided_by_label = null, decided_at = null, source = null, version = c.version + 1, updated_at = now()
           from jsonb_to_recordset(?::jsonb) as x(id int, reason text, amount numeric), clearance old
          where c.id = x.id and old.id = c.id and (c.status = 'pending' or (c.status = 'passed' and c.source = 'rule'))
            and not exists (select 1 from clearance d where d.student_id = c.student_id and d.step_key = any(?::text[]) and d.status = 'passed')
            and (c.status <> 'pending' or c.reason is distinct from coalesce(x.reason, '名单未结清') or c.amount is distinct from x.amount)
          returning c.id, c.version, c.student_id, old.status as before, c.status as after`,
        [listed, pgTextArray(dependents)],
      );
      changed.push(...held);
      const passedRest = await em.execute<typeof changed>(
        `update clearance c set status = 'passed', source = 'rule', decided_by_id = null, decided_by_label = ?, decided_at = now(),
                reason = null, amount = null, version = c.version + 1, updated_at = now()
          where c.step_key = ? and c.status = 'pending' and c.student_id <> all(?::int[])
          returning c.id, c.version, c.student_id, 'pending' as before, c.status as after`,
        [`${step.office}（名单外自动通过）`, step.key, listedStudentIds],
      );
      changed.push(...passedRest);
    } else {
      // Listed rows in id order first (see above). A returned row is passed only when the list says it means to undo
      // returns: an office's 退回 is not overwritten by a list drawn up before it.
      const from = opts.overReturn ? ['pending', 'returned'] : ['pending'];
      await em.execute(
        `select 1 from clearance where id = any(?::int[]) and status = any(?::text[]) order by id for no key update`,
        [pgIntArray(found.map((f) => f.clearance_id)), pgTextArray(from)],
      );
      const passed = await em.execute<typeof changed>(
        `update clearance c set status = 'passed', source = 'list', decided_by_id = null, decided_by_label = ?, decided_at = now(),
                reason = null, version = c.version + 1, updated_at = now()
           from jsonb_to_recordset(?::jsonb) as x(id int), clearance old
          where c.id = x.id and old.id = c.id and c.status = any(?::text[])
          returning c.id, c.version, c.student_id, old.status as before, c.status as after`,
        [`${step.office}（名单批量通过）`, listed, pgTextArray(from)],
      );
      changed.push(...passed);
    }

    const changedIds = new Set(changed.map((c) => c.id));
    const kept = found
      .filter((f) => !changedIds.has(f.clearance_id) && !(opts.mode === 'block' && f.status === 'pending'))
      .map((f) => ({ studentNo: f.student_no, status: f.status, decidedBy: f.decided_by_label }));
    // Re-read after the writes: a row returned while this list waited for its lock is a conflict too.
    const returned =
      opts.mode === 'pass'
        ? await em.execute<typeof found>(
            `select s.student_no, s.id as student_id, c.id as clearance_id, c.status, c.decided_by_label, c.decided_at, c.reason
               from clearance c join student s on s.id = c.student_id where c.id = any(?::int[]) and c.status = 'returned'`,
            [pgIntArray(found.filter((f) => !changedIds.has(f.clearance_id)).map((f) => f.clearance_id))],
          )
        : [];
    const conflicts = returned.map((f) => ({
      studentNo: f.student_no,
      returnedBy: f.decided_by_label,
      returnedAt: f.decided_at ? new Date(f.decided_at).toISOString() : null,
      reason: f.reason,
    }));
    const source = { file: opts.file, sha256, mode: opts.mode };
    const audit: AuditRow[] = changed.map((c) => ({
      outcome: 'applied',
      studentId: c.student_id,
      detail: { ...source, from: c.before, to: c.after, version: c.version },
    }));
    audit.push(
      ...returned.map((f) => ({
        outcome: 'conflict',
        studentId: f.student_id,
        detail: { ...source, why: 'conflict', status: 'returned', returned_by: f.decided_by_label },
      })),
    );
    audit.push({
      outcome: 'applied',
      studentId: null,
      detail: {
        ...source,
        listed: rows.length,
        changed: changed.length,
        kept: kept.length,
        conflicts: conflicts.length,
      },
    });
    await insertAudit(
      em,
      { actorPersonId: null, actorLabel: opts.actorLabel, action: `list.${opts.mode}`, stepKey: step.key },
      audit,
    );
    for (let i = 0; i < changed.length; i += JOB_CHUNK)
      await enqueueClearanceChanges(
        em,
        changed.slice(i, i + JOB_CHUNK).map((c) => ({ clearanceId: c.id, version: c.version })),
        `list.${opts.mode}`,
      );
    return {
      listed: rows.length,
      blocked: opts.mode === 'block' ? rows.length - kept.length : 0,
      passed: changed.filter((c) => c.after === 'passed').length,
      kept,
      conflicts,
      stepName: step.name,
      foreignReasons: foreignReasons(
        wf,
        step,
        rows.map((r) => ({ studentNo: r.value.student_no, reason: r.value.reason })),
      ),
    };
  });
}
