// What a batch changed, in the words of a preview: counts and the first rows of each kind, read from batch_change.
import type { EntityManager } from '@mikro-orm/postgresql';

/** How many rows of each kind a preview shows, and the batch keeps in its summary. */
export const FIRST_ROWS = 10;

export interface Some<T> {
  count: number;
  first: T[];
}

export interface StudentRef {
  student_no: string;
  name: string;
}
export interface StudentLine extends StudentRef {
  college: string;
}
export interface StudentUpdate extends StudentRef {
  fields: string[];
}
export interface StudentMove extends StudentRef {
  from: string;
  to: string;
}
export interface AssignmentLine {
  person: string;
  role: string;
  step: string | null;
  college: string | null;
  campus: string | null;
}
export interface ClearanceMove {
  step: string;
  from: string | null;
  to: string | null;
  students: Some<StudentRef>;
}

export interface ChangeSummary {
  rows: number;
  colleges_created: Some<string>;
  colleges_removed: Some<string>;
  students_added: Some<StudentLine>;
  students_updated: Some<StudentUpdate>;
  students_moved: Some<StudentMove>;
  students_removed: Some<StudentLine>;
  people_updated: number;
  assignments_added: Some<AssignmentLine>;
  assignments_ended: Some<AssignmentLine>;
  assignments_restored: Some<AssignmentLine>;
  /** changes of existing clearances, by step and transition (the clearances of new students are not listed) */
  clearances: ClearanceMove[];
}

const some = <T>(all: T[], first = FIRST_ROWS): Some<T> => ({ count: all.length, first: all.slice(0, first) });
/** Ended assignments are all named: ending someone's access is what a staff file must never do unseen. */
const ALL = Number.MAX_SAFE_INTEGER;

// Student columns a preview names when they change; updated_at and the form token are bookkeeping.
const STUDENT_FIELDS = ['name', 'college_id', 'campus', 'degree', 'exit_type', 'deadline', 'season_id'];

export async function summarize(em: EntityManager, batchId: number): Promise<ChangeSummary> {
  const rows = (await em.execute<
    { table_name: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null }[]
  >('select table_name, before, after from batch_change where batch_id = ? order by seq', [batchId])) as {
    table_name: string;
    before: Record<string, any> | null;
    after: Record<string, any> | null;
  }[];
  const colleges = new Map(
    (await em.execute<{ id: number; name: string }[]>('select id, name from college')).map((c) => [c.id, c.name]),
  );
  for (const r of rows)
    if (r.table_name === 'college') colleges.set((r.after ?? r.before)!.id, (r.after ?? r.before)!.name);
  const of = (table: string) => rows.filter((r) => r.table_name === table);

  const students = of('student');
  const studentLine = (s: Record<string, any>): StudentLine => ({
    student_no: s.student_no,
    name: s.name,
    college: colleges.get(s.college_id) ?? String(s.college_id),
  });
  const updated = students.filter((r) => r.before && r.after);
  const changedFields = (r: (typeof rows)[number]) =>
    STUDENT_FIELDS.filter((f) => JSON.stringify(r.before![f]) !== JSON.stringify(r.after![f])).map((f) =>
      f === 'college_id' ? 'college' : f === 'season_id' ? 'season' : f,
    );

  const people = new Map(
    (
      await em.execute<{ id: number; name: string }[]>('select id, name from person where id = any(?::int[])', [
        `{${of('assignment')
          .map((r) => (r.after ?? r.before)!.person_id)
          .join(',')}}`,
      ])
    ).map((p) => [p.id, p.name]),
  );
  const assignmentLine = (a: Record<string, any>): AssignmentLine => ({
    person: people.get(a.person_id) ?? `#${a.person_id}`,
    role: a.role,
    step: a.step_key,
    college: a.college_id === null ? null : (colleges.get(a.college_id) ?? String(a.college_id)),
    campus: a.campus,
  });
  const assignments = of('assignment');

  // Clearance rows name their student by id: read the students (a removed student is in this batch's rows).
  const clearances = of('clearance').filter((r) => r.before !== null);
  const studentIds = [...new Set(clearances.map((r) => (r.after ?? r.before)!.student_id as number))];
  const byId = new Map(
    (
      await em.execute<{ id: number; student_no: string; name: string }[]>(
        'select id, student_no, name from student where id = any(?::int[])',
        [`{${studentIds.join(',')}}`],
      )
    ).map((s) => [s.id, { student_no: s.student_no, name: s.name }]),
  );
  for (const s of students)
    if (s.before) byId.set(s.before.id, { student_no: s.before.student_no, name: s.before.name });
  const moves = new Map<string, { step: string; from: string | null; to: string | null; students: StudentRef[] }>();
  for (const r of clearances) {
    const from = r.before!.status as string;
    const to = (r.after?.status ?? null) as string | null;
    // A block list that re-reads a held student's reason changes the row but not its status: it is "held" all the same.
    const key = `${r.before!.step_key}|${from}|${to}`;
    let m = moves.get(key);
    if (!m) moves.set(key, (m = { step: r.before!.step_key, from, to, students: [] }));
    m.students.push(byId.get(r.before!.student_id) ?? { student_no: `#${r.before!.student_id}`, name: '' });
  }

  for (const m of moves.values()) m.students.sort((a, b) => a.student_no.localeCompare(b.student_no));
  return {
    rows: rows.length,
    colleges_created: some(
      of('college')
        .filter((r) => !r.before)
        .map((r) => r.after!.name as string),
    ),
    colleges_removed: some(
      of('college')
        .filter((r) => !r.after)
        .map((r) => r.before!.name as string),
    ),
    students_added: some(students.filter((r) => !r.before).map((r) => studentLine(r.after!))),
    students_updated: some(
      updated
        .map((r) => ({ ...studentLine(r.after!), fields: changedFields(r) }))
        .filter((u) => u.fields.length)
        .map(({ student_no, name, fields }) => ({ student_no, name, fields })),
    ),
    students_moved: some(
      updated
        .filter((r) => r.before!.college_id !== r.after!.college_id)
        .map((r) => ({
          student_no: r.after!.student_no,
          name: r.after!.name,
          from: colleges.get(r.before!.college_id) ?? '',
          to: colleges.get(r.after!.college_id) ?? '',
        })),
    ),
    students_removed: some(students.filter((r) => !r.after).map((r) => studentLine(r.before!))),
    people_updated: of('person').filter((r) => r.before && r.after).length,
    assignments_added: some(assignments.filter((r) => !r.before).map((r) => assignmentLine(r.after!))),
    assignments_ended: some(
      assignments
        .filter((r) => r.before && !r.before.ended_at && r.after?.ended_at)
        .map((r) => assignmentLine(r.after!)),
      ALL,
    ),
    assignments_restored: some(
      assignments
        .filter((r) => r.before?.ended_at && r.after && !r.after.ended_at)
        .map((r) => assignmentLine(r.after!)),
    ),
    clearances: [...moves.values()].map((m) => ({ ...m, students: some(m.students) })),
  };
}
