// Reverts one applied batch, row by row, where nothing was changed on top of it since; says which rows it left and why.
import { LixiaoError } from '../errors.ts';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Workflow } from '../workflow/schema.ts';
import { insertAudit, type AuditRow } from '../audit/insert-audit.ts';
import { enqueueClearanceChanges } from '../queue/enqueue.ts';
import { lockStudents } from '../decisions/lock-students.ts';

export class UndoError extends LixiaoError {
  readonly code = 'undo_refused';
}

export interface LeftRow {
  what: string;
  why: string;
}

export interface UndoResult {
  undoes: { id: number; kind: string; at: string; by: string };
  restored: number;
  left: LeftRow[];
}

type State = Record<string, any>;
interface Change {
  table_name: string;
  row_id: number;
  before: State | null;
  after: State | null;
}

/** A row is as the batch left it when every column but its bookkeeping is the same. */
const BOOKKEEPING = ['updated_at'];
const same = (a: State | null, b: State | null) => {
  if (!a || !b) return a === b;
  const strip = (s: State) =>
    JSON.stringify(
      Object.keys(s)
        .sort()
        .filter((k) => !BOOKKEEPING.includes(k))
        .map((k) => [k, s[k]]),
    );
  return strip(a) === strip(b);
};

export async function undoBatch(em: EntityManager, wf: Workflow, batchId: number, undoId: number): Promise<UndoResult> {
  const [batch] = await em.execute<{ id: number; kind: string; at: Date; by: string; undone_by: number | null }[]>(
    'select id, kind, at, by, undone_by from batch where id = ? and id <> ? for update',
    [batchId, undoId],
  );
  if (!batch) throw new UndoError(`no batch ${batchId}; see lixiao batches`);
  if (batch.undone_by !== null) throw new UndoError(`batch ${batchId} was already undone by batch ${batch.undone_by}`);
  if (batch.kind === 'undo')
    throw new UndoError(`batch ${batchId} is an undo; apply the file or decision again instead`);
  // Newest change first, so that a row changed twice is put back in reverse.
  const changes = await em.execute<Change[]>(
    'select table_name, row_id, before, after from batch_change where batch_id = ? order by seq desc',
    [batchId],
  );
  const current = async (table: string, id: number): Promise<State | null> => {
    const [row] = await em.execute<{ row: State }[]>(
      `select to_jsonb(t) as row from ${table} t where id = ? for update`,
      [id],
    );
    return row?.row ?? null;
  };
  const studentNo = new Map<number, string>();
  const studentName = async (id: number) => {
    if (!studentNo.has(id)) {
      const [s] = await em.execute<{ student_no: string }[]>('select student_no from student where id = ?', [id]);
      studentNo.set(id, s?.student_no ?? `#${id}`);
    }
    return studentNo.get(id)!;
  };
  const stepName = (key: string) => wf.steps.find((s) => s.key === key)?.name ?? key;
  const left: LeftRow[] = [];
  const audit: AuditRow[] = [];
  const requeue: { clearanceId: number; version: number }[] = [];
  let restored = 0;

  // Re-opening a step others wait for: the final gate's lock first, in id order (src/decisions/lock-students.ts).
  const clearanceChanges = changes.filter((c) => c.table_name === 'clearance' && c.before && c.after);
  await lockStudents(em, { ids: [...new Set(clearanceChanges.map((c) => c.before!.student_id as number))] });
  for (const c of clearanceChanges) {
    const was = c.before!;
    const what = `${stepName(was.step_key)} ${await studentName(was.student_id)}`;
    const now = await current('clearance', c.row_id);
    if (!now) {
      left.push({ what, why: 'no longer on file' });
      continue;
    }
    if (now.version !== c.after!.version) {
      left.push({
        what,
        why: `changed since (now ${now.status}${now.decided_by_label ? ` by ${now.decided_by_label}` : ''})`,
      });
      continue;
    }
    if (was.status === 'pending' || was.status === 'returned') {
      const waiting = wf.steps.filter((d) => d.requires.includes(was.step_key)).map((d) => d.key);
      const [passed] = await em.execute<{ step_key: string }[]>(
        `select step_key from clearance where student_id = ? and step_key = any(?::text[]) and status = 'passed' limit 1`,
        [was.student_id, `{${waiting.join(',')}}`],
      );
      if (passed) {
        left.push({ what, why: `${stepName(passed.step_key)} has passed the student since` });
        continue;
      }
    }
    const [row] = await em.execute<{ version: number }[]>(
      `update clearance set status = ?, reason = ?, amount = ?, decided_by_id = ?, decided_by_label = ?, decided_at = ?, source = ?,
              version = version + 1, updated_at = now() where id = ? and version = ? returning version`,
      [
        was.status,
        was.reason,
        was.amount,
        was.decided_by_id,
        was.decided_by_label,
        was.decided_at,
        was.source,
        c.row_id,
        now.version,
      ],
    );
    restored++;
    requeue.push({ clearanceId: c.row_id, version: row!.version });
    audit.push({
      outcome: 'applied',
      studentId: was.student_id,
      detail: { undoes: batchId, step: was.step_key, from: now.status, to: was.status, version: row!.version },
    });
  }

  for (const c of changes.filter((x) => x.table_name === 'assignment')) {
    const a = (c.after ?? c.before)!;
    const [person] = await em.execute<{ name: string }[]>('select name from person where id = ?', [a.person_id]);
    const what = `${person?.name ?? `#${a.person_id}`} ${a.role}${a.step_key ? ` ${stepName(a.step_key)}` : ''}`;
    const now = await current('assignment', c.row_id);
    if (!now || !same(now, c.after)) {
      left.push({ what, why: 'changed since' });
      continue;
    }
    if (c.before === null || (!c.before.ended_at && c.after?.ended_at)) {
      // Added by the batch: ended now; ended by it: active again.
      await em.execute(`update assignment set ended_at = ${c.before === null ? 'now()' : 'null'} where id = ?`, [
        c.row_id,
      ]);
      restored++;
      audit.push({
        outcome: c.before === null ? 'removed' : 'added',
        studentId: null,
        detail: { undoes: batchId, assignment: c.row_id, person: person?.name },
      });
    }
  }

  for (const c of changes.filter((x) => x.table_name === 'person' && x.before && x.after)) {
    const now = await current('person', c.row_id);
    if (!now || !same(now, c.after)) {
      left.push({ what: `person ${c.after!.name}`, why: 'changed since' });
      continue;
    }
    const b = c.before!;
    const taken = await em.execute<{ id: number }[]>(
      `select id from person where id <> ? and (feishu_open_id = ? or feishu_user_id = ? or wecom_userid = ?)`,
      [c.row_id, b.feishu_open_id, b.feishu_user_id, b.wecom_userid],
    );
    if (taken.length) {
      left.push({ what: `person ${c.after!.name}`, why: 'a platform id it had now belongs to someone else' });
      continue;
    }
    await em.execute(
      'update person set name = ?, feishu_open_id = ?, feishu_user_id = ?, wecom_userid = ?, email = ?, mobile = ? where id = ?',
      [b.name, b.feishu_open_id, b.feishu_user_id, b.wecom_userid, b.email, b.mobile, c.row_id],
    );
    restored++;
  }

  for (const c of changes.filter((x) => x.table_name === 'student' && x.before && x.after)) {
    const now = await current('student', c.row_id);
    if (!now || !same(now, c.after)) {
      left.push({ what: `student ${c.after!.student_no}`, why: 'changed since' });
      continue;
    }
    const b = c.before!;
    await em.execute(
      `update student set season_id = ?, name = ?, college_id = ?, campus = ?, degree = ?, exit_type = ?, deadline = ?, updated_at = now() where id = ?`,
      [b.season_id, b.name, b.college_id, b.campus, b.degree, b.exit_type, b.deadline, c.row_id],
    );
    restored++;
  }

  // Students the batch created go again, with their clearances and person, unless anything happened to them since.
  for (const c of changes.filter((x) => x.table_name === 'student' && !x.before)) {
    const s = c.after!;
    const what = `student ${s.student_no}`;
    const mine = new Map(
      changes
        .filter((x) => x.table_name === 'clearance' && !x.before && x.after!.student_id === c.row_id)
        .map((x) => [x.row_id, x.after!]),
    );
    const rows = await em.execute<{ id: number; version: number }[]>(
      'select id, version from clearance where student_id = ? for update',
      [c.row_id],
    );
    const touched = rows.some((r) => mine.get(r.id)?.version !== r.version);
    const now = await current('student', c.row_id);
    if (!now || touched || !same(now, s)) {
      left.push({ what, why: touched ? 'a step was decided since' : 'changed since' });
      continue;
    }
    await em.execute('delete from delivered_card where person_id = ?', [s.person_id]);
    await em.execute('delete from clearance where student_id = ?', [c.row_id]);
    await em.execute('delete from student where id = ?', [c.row_id]);
    await em.execute(
      'delete from person p where id = ? and not exists (select 1 from assignment a where a.person_id = p.id) and not exists (select 1 from clearance x where x.decided_by_id = p.id)',
      [s.person_id],
    );
    restored++;
    audit.push({ outcome: 'removed', studentId: null, detail: { undoes: batchId, student_no: s.student_no } });
  }

  for (const c of changes.filter((x) => x.table_name === 'college' && !x.before)) {
    const [used] = await em.execute<{ n: number }[]>(
      `select (select count(*) from student where college_id = ?)::int + (select count(*) from assignment where college_id = ? and ended_at is null)::int as n`,
      [c.row_id, c.row_id],
    );
    if (used!.n) {
      left.push({ what: `college ${c.after!.name}`, why: 'still has students or staff' });
      continue;
    }
    await em.execute('delete from college where id = ?', [c.row_id]);
    restored++;
  }

  await em.execute('update batch set undone_by = ? where id = ?', [undoId, batchId]);
  await em.execute('update batch set undoes = ? where id = ?', [batchId, undoId]);
  audit.push({ outcome: 'applied', studentId: null, detail: { undoes: batchId, restored, left: left.length } });
  await insertAudit(
    em,
    { actorPersonId: null, actorLabel: `undo of batch ${batchId}`, action: 'undo', stepKey: null },
    audit,
  );
  for (let i = 0; i < requeue.length; i += 1000) await enqueueClearanceChanges(em, requeue.slice(i, i + 1000), 'undo');
  return {
    undoes: { id: batch.id, kind: batch.kind, at: new Date(batch.at).toISOString(), by: batch.by },
    restored,
    left,
  };
}
