// Imports the students file: creates or updates students, their people and a clearance row per step.
import type { EntityManager } from '@mikro-orm/postgresql';
import { z } from 'zod';
import { EXIT_TYPES, type Workflow } from '../workflow/schema.ts';
import { insertAudit } from '../audit/insert-audit.ts';
import { pgTextArray } from '../db/pg-array.ts';
import { duplicateRows, ImportError, readCsv, type BadRow, type CsvRow, type Table } from './csv.ts';
import { nearMiss } from './near-miss.ts';
import { identityFields, isoDate, langField, shortText, studentNo } from './fields.ts';
import { identityConflicts } from './identity-conflicts.ts';
import { seasonForImport } from '../seasons/season-for-import.ts';
import { lockStudents } from '../decisions/lock-students.ts';
import { readCommitted } from '../db/retry.ts';
import { APPLIES, stepsJson } from '../workflow/applies.ts';
import { planSupervisors, supervisorFields } from './supervisors.ts';

export function studentRowSchema(wf: Workflow) {
  return z.object({
    student_no: studentNo,
    name: shortText,
    college: shortText,
    campus: z
      .enum(wf.campuses as [string, ...string[]], { message: `must be one of ${wf.campuses.join(', ')}` })
      .optional(),
    degree: z.enum(['博士', '硕士'], { message: 'must be 博士 or 硕士' }).optional(),
    exit_type: z.enum(EXIT_TYPES, { message: `must be one of ${EXIT_TYPES.join(', ')}` }).default('毕业'),
    deadline: isoDate.optional(),
    lang: langField,
    ...identityFields,
    ...supervisorFields,
  });
}
export type StudentRow = z.infer<ReturnType<typeof studentRowSchema>>;

export interface ImportSummary {
  rows: number;
  created: number;
  updated: number;
  /** the season the students are now in */
  season: string;
  /**
   * Steps the workflow added after these students were imported, whose row was not created because a step that waits
   * for it has passed (研工办): a student who has finished is not re-opened by an import (see `lixiao workflow sync`).
   */
  heldBack: HeldBack[];
}

export interface HeldBack {
  studentNo: string;
  stepKey: string;
  /** the passed step that waits for it */
  passedStep: string;
}

export type Progress = (done: number, total: number) => void;

export interface StudentImportOptions {
  onProgress?: Progress;
  /** the season's label; unset: the newest season not purged, or a new one named after the current year */
  season?: string;
  /** for naming a new season by the current year */
  timeZone?: string;
  /** colleges the season does not have yet that this import may create (a season's first import creates any) */
  newColleges?: string[];
}

const CHUNK = 2000;

export async function importStudents(
  em: EntityManager,
  wf: Workflow,
  text: string | Table,
  file: string,
  opts: StudentImportOptions = {},
): Promise<ImportSummary> {
  const { rows, bad } = readCsv(text, file, ['student_no', 'name', 'college'], studentRowSchema(wf));
  bad.push(...duplicateRows(rows, (r) => r.student_no, 'student_no'));
  const summary = await readCommitted(em, async (em) => {
    const existing = new Map(
      (
        await em.execute<{ student_no: string; person_id: number }[]>(
          'select student_no, person_id from student where student_no = any(?::text[])',
          [pgTextArray(rows.map((r) => r.value.student_no))],
        )
      ).map((r) => [r.student_no, r.person_id]),
    );
    bad.push(
      ...(await identityConflicts(em, rows, (r) => ({
        key: r.value.student_no,
        personId: existing.get(r.value.student_no) ?? null,
      }))),
    );
    const supervisors = await planSupervisors(em, rows);
    bad.push(...supervisors.bad);
    if (bad.length)
      throw new ImportError(
        file,
        bad.sort((a, b) => a.line - b.line),
      );
    const supervisorOfLine = await supervisors.save();
    const season = await seasonForImport(em, opts.season, opts.timeZone ?? 'Asia/Shanghai');
    const unknown = await unknownColleges(em, season.id, rows, opts.newColleges ?? []);
    if (unknown.length) throw new ImportError(file, unknown);
    let created = 0;
    const heldBack: HeldBack[] = [];
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = await upsertChunk(em, wf, rows.slice(i, i + CHUNK), season.id, supervisorOfLine);
      created += chunk.created;
      heldBack.push(...chunk.heldBack);
      opts.onProgress?.(Math.min(i + CHUNK, rows.length), rows.length);
    }
    const counts = { rows: rows.length, created, updated: rows.length - created, season: season.label };
    await insertAudit(em, { actorPersonId: null, actorLabel: 'import', action: 'import.students', stepKey: null }, [
      {
        outcome: 'applied',
        studentId: null,
        detail: { file, ...counts, ...(heldBack.length ? { held_back: heldBack.length } : {}) },
      },
    ]);
    return { ...counts, heldBack };
  });
  // Fresh statistics at once: until autovacuum gets to them, a freshly filled table plans like an empty one (seconds per 待办).
  await em.execute('analyze student, clearance, person, college');
  return summary;
}

async function upsertChunk(
  em: EntityManager,
  wf: Workflow,
  rows: CsvRow<StudentRow>[],
  seasonId: number,
  supervisorOfLine: Map<number, number>,
): Promise<{ created: number; heldBack: HeldBack[] }> {
  const data = JSON.stringify(rows.map((r) => ({ ...r.value, supervisor_id: supervisorOfLine.get(r.line) ?? null })));
  const recordset = `jsonb_to_recordset(?::jsonb) as x(student_no text, name text, college text, campus text, degree text, exit_type text,
    deadline date, feishu_open_id text, feishu_user_id text, wecom_userid text, email text, mobile text, supervisor_id int, lang text)`;
  // Students already on file, locked first and in id order (the final gate's lock, see the clearance upsert below).
  await lockStudents(em, { numbers: rows.map((r) => r.value.student_no) });
  await em.execute(
    `insert into college (name) select distinct x.college from ${recordset} on conflict (name) do nothing`,
    [data],
  );
  // People of students already on file: a blank identity cell keeps what is stored.
  await em.execute(
    `update person p set name = x.name,
            feishu_open_id = coalesce(x.feishu_open_id, p.feishu_open_id), feishu_user_id = coalesce(x.feishu_user_id, p.feishu_user_id),
            wecom_userid = coalesce(x.wecom_userid, p.wecom_userid), email = coalesce(x.email, p.email), mobile = coalesce(x.mobile, p.mobile),
            lang = coalesce(x.lang, p.lang)
       from ${recordset} join student s on s.student_no = x.student_no
      where p.id = s.person_id`,
    [data],
  );
  // New students get a person each; ids are drawn first so that each row knows its own.
  const fresh = await em.execute<{ student_no: string }[]>(
    `with n as (select x.*, nextval('person_id_seq') as pid from ${recordset} where not exists (select 1 from student s where s.student_no = x.student_no)),
          p as (insert into person (id, name, feishu_open_id, feishu_user_id, wecom_userid, email, mobile, lang)
                select pid, name, feishu_open_id, feishu_user_id, wecom_userid, email, mobile, lang from n)
     insert into student (student_no, season_id, name, college_id, campus, degree, exit_type, deadline, person_id, supervisor_id)
     select n.student_no, ?, n.name, c.id, n.campus, n.degree, n.exit_type, n.deadline, n.pid, n.supervisor_id from n join college c on c.name = n.college
     returning student_no`,
    [data, seasonId],
  );
  await em.execute(
    `update student s set season_id = ?, name = x.name, college_id = c.id, campus = x.campus, degree = x.degree, exit_type = x.exit_type,
            deadline = x.deadline, supervisor_id = x.supervisor_id, updated_at = now()
       from ${recordset} join college c on c.name = x.college
      where s.student_no = x.student_no`,
    [seasonId, data],
  );
  // A clearance per step; a changed exit type flips steps between pending and not_applicable, never undoing a decision,
  // and never re-opening a step under a step that waits for it and has passed (the final gate; its lock first). A
  // step with no row yet (added to the workflow since) gets none where a step waiting for it has passed: reported.
  const steps = stepsJson(wf);
  const waiting = JSON.stringify(
    Object.fromEntries(
      wf.steps.map((s) => [s.key, wf.steps.filter((d) => d.requires.includes(s.key)).map((d) => d.key)]),
    ),
  );
  const wanted = `select s.id as student_id, s.student_no, st.key,
            ${APPLIES} as status,
            (select min(d.step_key) from clearance d where d.student_id = s.id and d.status = 'passed'
                and d.step_key in (select jsonb_array_elements_text(?::jsonb -> st.key))) as passed_step,
            exists (select 1 from clearance c where c.student_id = s.id and c.step_key = st.key) as has_row
       from student s join ${recordset} on x.student_no = s.student_no
       cross join jsonb_to_recordset(?::jsonb) as st(key text, applies_to jsonb, scope text)`;
  const heldBack = await em.execute<{ student_no: string; key: string; passed_step: string }[]>(
    `select w.student_no, w.key, w.passed_step from (${wanted}) w
      where not w.has_row and w.status = 'pending' and w.passed_step is not null order by w.student_no, w.key`,
    [waiting, data, steps],
  );
  await em.execute(
    `insert into clearance (student_id, step_key, status)
     select w.student_id, w.key, w.status from (${wanted}) w
      where w.has_row or w.status <> 'pending' or w.passed_step is null
     on conflict (student_id, step_key) do update
        set status = excluded.status, version = clearance.version + 1, updated_at = now()
      where clearance.status in ('pending', 'not_applicable') and clearance.status <> excluded.status
        and (excluded.status <> 'pending' or not exists (
              select 1 from clearance d where d.student_id = clearance.student_id and d.status = 'passed'
                 and d.step_key in (select jsonb_array_elements_text(?::jsonb -> clearance.step_key))))`,
    [waiting, data, steps, waiting],
  );
  return {
    created: fresh.length,
    heldBack: heldBack.map((h) => ({ studentNo: h.student_no, stepKey: h.key, passedStep: h.passed_step })),
  };
}

/**
 * Into a season that has students, a college it does not have is most often a typo that would create a college with
 * nobody to clear its steps: a bad row, with the nearest known name, unless the import names it as new.
 */
async function unknownColleges(
  em: EntityManager,
  seasonId: number,
  rows: CsvRow<StudentRow>[],
  allowed: string[],
): Promise<BadRow[]> {
  const known = (
    await em.execute<{ name: string }[]>(
      'select distinct c.name from student s join college c on c.id = s.college_id where s.season_id = ?',
      [seasonId],
    )
  ).map((c) => c.name);
  if (!known.length) return [];
  return rows
    .filter((r) => !known.includes(r.value.college) && !allowed.includes(r.value.college))
    .map((r) => {
      const guess = nearMiss(r.value.college, known);
      return {
        line: r.line,
        reason:
          `college ${r.value.college} is not in this season${guess ? ` (did you mean ${guess}?)` : ''}; ` +
          `if it is new, name it with --new-college ${r.value.college}`,
      };
    });
}
