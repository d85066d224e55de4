// Imports staff (工作人员变更): adds and updates people and assignments; with replace, the file is the whole roster.
import type { EntityManager } from '@mikro-orm/postgresql';
import { readCommitted } from '../db/retry.ts';
import { z } from 'zod';
import { ROLES } from '../entities/assignment.ts';
import type { Workflow } from '../workflow/schema.ts';
import { insertAudit, type AuditRow } from '../audit/insert-audit.ts';
import { ImportError, readCsv, type BadRow, type CsvRow, type Table } from './csv.ts';
import { identityFields, langField, shortText } from './fields.ts';
import { identityConflicts, type Owner } from './identity-conflicts.ts';

/** Roles as offices write them in Chinese. */
const ROLE_NAMES: Record<string, string> = {
  经办人: 'handler',
  办理人: 'handler',
  学院管理员: 'college_admin',
  学校管理员: 'school_admin',
};

export function staffRowSchema(wf: Workflow) {
  const stepKeys = wf.steps.map((s) => s.key);
  // A step may be named by its key, its name or its office (图书馆 for library).
  const stepOfName = new Map(wf.steps.flatMap((s) => [[s.name, s.key] as const, [s.office, s.key] as const]));
  return z
    .object({
      name: shortText,
      role: z.preprocess(
        (v) => (typeof v === 'string' ? (ROLE_NAMES[v] ?? v) : v),
        z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')} (经办人, 学院管理员, 学校管理员)` }),
      ),
      step: z
        .preprocess(
          (v) => (typeof v === 'string' ? (stepOfName.get(v) ?? v) : v),
          z.enum(stepKeys as [string, ...string[]], { message: `must be one of ${stepKeys.join(', ')}` }),
        )
        .optional(),
      college: z
        .string()
        .max(100)
        .optional()
        .transform((c) => (c === '*' ? undefined : c)),
      campus: z
        .enum(wf.campuses as [string, ...string[]], { message: `must be one of ${wf.campuses.join(', ')}` })
        .optional(),
      ...identityFields,
      lang: langField,
    })
    .superRefine((r, ctx) => {
      if (r.role === 'handler' && !r.step) ctx.addIssue({ code: 'custom', message: 'a handler names a step' });
      if (r.role !== 'handler' && r.step) ctx.addIssue({ code: 'custom', message: `a ${r.role} leaves step empty` });
      if (r.role === 'college_admin' && !r.college)
        ctx.addIssue({ code: 'custom', message: 'a college_admin names a college' });
      if (r.role === 'school_admin' && r.college)
        ctx.addIssue({ code: 'custom', message: 'a school_admin leaves college empty' });
    });
}
type StaffRow = z.infer<ReturnType<typeof staffRowSchema>>;

export interface StaffSummary {
  people: number;
  added: number;
  removed: number;
  unchanged: number;
}

/** The identity that says which person a row is about, strongest first; a name alone is the last resort. */
const KEY_COLUMNS = ['wecom_userid', 'feishu_user_id', 'feishu_open_id', 'email', 'mobile'] as const;
function personKey(r: StaffRow): { col: (typeof KEY_COLUMNS)[number] | 'name'; value: string } {
  for (const col of KEY_COLUMNS) if (r[col]) return { col, value: r[col] };
  return { col: 'name', value: r.name };
}

interface Active {
  id: number;
  person_id: number;
  role: string;
  step_key: string | null;
  college_id: number | null;
  campus: string | null;
  person_name: string;
  college: string | null;
}
const tuple = (a: {
  person_id: number;
  role: string;
  step_key: string | null;
  college_id: number | null;
  campus: string | null;
}) => `${a.person_id}|${a.role}|${a.step_key ?? ''}|${a.college_id ?? ''}|${a.campus ?? ''}`;

export interface StaffImportOptions {
  /** end the active assignments the file does not list (the file is then the whole roster) */
  replace?: boolean;
}

export async function importStaff(
  em: EntityManager,
  wf: Workflow,
  text: string | Table,
  file: string,
  opts: StaffImportOptions = {},
): Promise<StaffSummary> {
  const { rows, bad } = readCsv(text, file, ['name', 'role'], staffRowSchema(wf));
  return readCommitted(em, async (em) => {
    const colleges = new Map(
      (await em.execute<{ id: number; name: string }[]>('select id, name from college')).map((c) => [c.name, c.id]),
    );
    for (const r of rows)
      if (r.value.college && !colleges.has(r.value.college))
        bad.push({
          line: r.line,
          reason: `unknown college "${r.value.college}" (colleges come from the students file)`,
        });

    // Match rows to people on file (staff only: a student is never matched by name or contact).
    const owners = new Map<CsvRow<StaffRow>, Owner>();
    for (const r of rows) {
      const { col, value } = personKey(r.value);
      const found = await em.execute<{ id: number }[]>(
        `select p.id from person p where p.${col} = ? and not exists (select 1 from student s where s.person_id = p.id) order by p.id`,
        [value],
      );
      if (found.length > 1)
        bad.push({
          line: r.line,
          reason: `${col} ${value} matches ${found.length} people on file; add wecom_userid or feishu ids`,
        });
      owners.set(r, { key: `${col}:${value}`, personId: found[0]?.id ?? null });
    }
    bad.push(...(await identityConflicts(em, rows, (r) => owners.get(r)!)));
    if (bad.length) throw new ImportError(file, dedupeLines(bad));

    const personIds = new Map<string, number>();
    for (const r of rows) {
      const o = owners.get(r)!;
      if (!personIds.has(o.key)) personIds.set(o.key, await savePerson(em, o.personId, r.value));
    }

    const wanted = new Map<
      string,
      {
        person_id: number;
        role: string;
        step_key: string | null;
        college_id: number | null;
        campus: string | null;
        name: string;
        college: string | null;
      }
    >();
    for (const r of rows) {
      const a = {
        person_id: personIds.get(owners.get(r)!.key)!,
        role: r.value.role,
        step_key: r.value.step ?? null,
        college_id: r.value.college ? colleges.get(r.value.college)! : null,
        campus: r.value.campus ?? null,
        name: r.value.name,
        college: r.value.college ?? null,
      };
      wanted.set(tuple(a), a);
    }
    const active = await em.execute<Active[]>(
      `select a.id, a.person_id, a.role, a.step_key, a.college_id, a.campus, p.name as person_name, c.name as college
         from assignment a join person p on p.id = a.person_id left join college c on c.id = a.college_id where a.ended_at is null`,
    );
    const activeKeys = new Set(active.map(tuple));
    // Without replace, a file adds people and assignments: one librarian's row must not end everyone else's.
    const removed = opts.replace ? active.filter((a) => !wanted.has(tuple(a))) : [];
    const added = [...wanted.entries()].filter(([k]) => !activeKeys.has(k)).map(([, a]) => a);
    if (removed.length)
      await em.execute('update assignment set ended_at = now() where id = any(?::int[])', [
        `{${removed.map((a) => a.id).join(',')}}`,
      ]);
    for (const a of added)
      await em.execute(
        'insert into assignment (person_id, role, step_key, college_id, campus) values (?, ?, ?, ?, ?)',
        [a.person_id, a.role, a.step_key, a.college_id, a.campus],
      );
    const describe = (
      a: { person_id: number; role: string; step_key: string | null; campus: string | null },
      name: string,
      college: string | null,
    ) => ({
      file,
      person_id: a.person_id,
      person: name,
      role: a.role,
      step: a.step_key,
      college: college ?? '*',
      campus: a.campus ?? '*',
    });
    const audit: AuditRow[] = [
      ...removed.map((a) => ({ outcome: 'removed', studentId: null, detail: describe(a, a.person_name, a.college) })),
      ...added.map((a) => ({ outcome: 'added', studentId: null, detail: describe(a, a.name, a.college) })),
    ];
    await insertAudit(em, { actorPersonId: null, actorLabel: 'import', action: 'staff.change', stepKey: null }, audit);
    return {
      people: personIds.size,
      added: added.length,
      removed: removed.length,
      unchanged: wanted.size - added.length,
    };
  });
}

/** Updates a person on file (a blank identity keeps the stored one) or creates one; returns the id. */
async function savePerson(em: EntityManager, id: number | null, v: StaffRow): Promise<number> {
  const ids = [
    v.feishu_open_id ?? null,
    v.feishu_user_id ?? null,
    v.wecom_userid ?? null,
    v.email ?? null,
    v.mobile ?? null,
    v.lang ?? null,
  ];
  if (id) {
    await em.execute(
      `update person set name = ?, feishu_open_id = coalesce(?, feishu_open_id), feishu_user_id = coalesce(?, feishu_user_id),
              wecom_userid = coalesce(?, wecom_userid), email = coalesce(?, email), mobile = coalesce(?, mobile),
              lang = coalesce(?, lang) where id = ?`,
      [v.name, ...ids, id],
    );
    return id;
  }
  const [row] = await em.execute<{ id: number }[]>(
    'insert into person (name, feishu_open_id, feishu_user_id, wecom_userid, email, mobile, lang) values (?, ?, ?, ?, ?, ?, ?) returning id',
    [v.name, ...ids],
  );
  return row!.id;
}

function dedupeLines(bad: BadRow[]): BadRow[] {
  const seen = new Set<string>();
  return bad
    .filter((b) => !seen.has(`${b.line}:${b.reason}`) && seen.add(`${b.line}:${b.reason}`))
    .sort((a, b) => a.line - b.line);
}
