// Deadlines across a season: the colleges' daily digest, the offices' weekly backlog and the students due a reminder, each in one statement.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Workflow } from '../workflow/schema.ts';
import { pgIntArray, pgTextArray } from '../db/pg-array.ts';

export interface DigestStep {
  step: string;
  name: string;
  open: number;
  /** open with the student's deadline before today */
  overdue: number;
  /** open with the deadline from today to today + nearDays */
  near: number;
}

export interface OverdueStudent {
  studentNo: string;
  name: string;
  deadline: string;
  /** step names, in workflow order */
  openSteps: string[];
}

export interface CollegeDigest {
  collegeId: number;
  college: string;
  /** workflow order, only steps with open > 0 */
  perStep: DigestStep[];
  /** the first OVERDUE_LIST_MAX by deadline, then student number */
  overdue: OverdueStudent[];
  overdueTotal: number;
  openStudents: number;
}

export interface OfficeBacklog {
  step: string;
  name: string;
  overdue: number;
  open: number;
}

export interface Reminder {
  studentId: number;
  studentNo: string;
  personId: number;
  name: string;
  deadline: string;
  /** deadline - today: a threshold, or negative once the deadline has passed */
  daysLeft: number;
  /** step names, in workflow order */
  openSteps: string[];
}

/** A digest card lists this many overdue students; the rest are a count. */
export const OVERDUE_LIST_MAX = 20;

/**
 * The open clearances a college or office can act on now: pending or returned, and for a gated step (研工办) only once
 * every step it requires has passed, as pendingFor decides, so the final office is not shown every student of the season.
 * One pass over clearance in (student_id, step_key) index order: a window per student flags "some required step is open"
 * for each gated step, with no second scan, sort or anti-join (which spilled to disk and cost ~2x on a 20,000 season).
 */
export function openCte(wf: Workflow): { sql: string; params: string[] } {
  const gated = wf.steps.filter((s) => s.requires.length);
  const flags = gated
    .map((_, i) => `, bool_or(c.step_key = any(?::text[])) over (partition by c.student_id) as waits${i}`)
    .join('');
  const waiting = gated.map((_, i) => `(f.step_key = ? and f.waits${i})`).join(' or ') || 'false';
  return {
    sql: `
  flagged as (select c.student_id, c.step_key${flags} from clearance c where c.status in ('pending', 'returned')),
  open as (
    select f.student_id, f.step_key, s.college_id, s.campus, s.deadline
      from flagged f join student s on s.id = f.student_id
     where not (${waiting}))`,
    params: [...gated.map((g) => pgTextArray(g.requires)), ...gated.map((g) => g.key)],
  };
}

function stepNames(wf: Workflow) {
  const order = new Map(wf.steps.map((s, i) => [s.key, i]));
  const names = new Map(wf.steps.map((s) => [s.key, s.name]));
  const requires = new Map(wf.steps.map((s) => [s.key, s.requires]));
  return {
    keys: pgTextArray(wf.steps.map((s) => s.key)),
    name: (key: string) => names.get(key) ?? key,
    rank: (key: string) => order.get(key) ?? Number.MAX_SAFE_INTEGER,
    /** a student's open step keys as the digest counts them (a gated step only once its required steps are done), in workflow order */
    openOf: (keys: string[]) =>
      keys
        .filter((k) => !(requires.get(k) ?? []).some((r) => keys.includes(r)))
        .sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)),
  };
}

export async function collegeDigests(
  em: EntityManager,
  wf: Workflow,
  today: string,
  nearDays: number,
): Promise<CollegeDigest[]> {
  const st = stepNames(wf);
  const open = openCte(wf);
  // One statement: `open` is read by three CTEs, so PostgreSQL materializes it once; colleges come back as one row each.
  const rows = await em.execute<
    {
      collegeId: number;
      college: string;
      openStudents: number;
      perStep: { step: string; open: number; overdue: number; near: number }[];
      overdue: { studentNo: string; name: string; deadline: string; steps: string[] }[] | null;
      overdueTotal: number | null;
    }[]
  >(
    `with ${open.sql},
     per_step as (
       select college_id, step_key, count(*)::int as open,
              (count(*) filter (where deadline < ?::date))::int as overdue,
              (count(*) filter (where deadline >= ?::date and deadline <= ?::date + ?::int))::int as near
         from open group by college_id, step_key),
     per_college as (select college_id, count(*)::int as students from (select distinct college_id, student_id from open) x group by college_id),
     late as (
       select l.college_id, l.student_id, l.deadline, s.student_no, s.name,
              row_number() over (partition by l.college_id order by l.deadline, s.student_no) as rn
         from (select distinct college_id, student_id, deadline from open where deadline < ?::date) l join student s on s.id = l.student_id),
     -- Steps only for the students shown, from the (student_id, step_key) index; the gate is applied to them in JS (openOf).
     -- Joining the open CTE instead gave the planner a 4-million-row estimate and 0.5 s of JIT compilation.
     shown as (
       select l.college_id, l.rn, l.student_no, l.name, l.deadline, x.steps
         from late l cross join lateral (select array_agg(c.step_key) as steps from clearance c
                                          where c.student_id = l.student_id and c.status in ('pending', 'returned')) x
        where l.rn <= ?)
     select co.id as "collegeId", co.name as college, pc.students as "openStudents", st.steps as "perStep", sh.list as overdue, lt.total as "overdueTotal"
       from (select college_id, jsonb_agg(jsonb_build_object('step', step_key, 'open', open, 'overdue', overdue, 'near', near)) as steps
               from per_step group by college_id) st
       join per_college pc on pc.college_id = st.college_id
       join college co on co.id = st.college_id
       left join (select college_id, count(*)::int as total from late group by college_id) lt on lt.college_id = st.college_id
       left join (select college_id, jsonb_agg(jsonb_build_object('studentNo', student_no, 'name', name, 'deadline', to_char(deadline, 'YYYY-MM-DD'), 'steps', steps)
                                             order by rn) as list
                    from shown group by college_id) sh on sh.college_id = st.college_id`,
    [...open.params, today, today, today, nearDays, today, OVERDUE_LIST_MAX],
  );
  return rows
    .map((r) => ({
      collegeId: r.collegeId,
      college: r.college,
      perStep: r.perStep
        .sort((a, b) => st.rank(a.step) - st.rank(b.step))
        .map((p) => ({ step: p.step, name: st.name(p.step), open: p.open, overdue: p.overdue, near: p.near })),
      overdue: (r.overdue ?? []).map((o) => ({
        studentNo: o.studentNo,
        name: o.name,
        deadline: o.deadline,
        openSteps: st.openOf(o.steps).map(st.name),
      })),
      overdueTotal: r.overdueTotal ?? 0,
      openStudents: r.openStudents,
    }))
    .sort((a, b) => a.college.localeCompare(b.college, 'zh'));
}

/** School-wide open and overdue per step, most overdue first (ties: most open, then workflow order); steps with nothing open are left out. */
export async function officeBacklog(em: EntityManager, wf: Workflow, today: string): Promise<OfficeBacklog[]> {
  const st = stepNames(wf);
  const open = openCte(wf);
  const rows = await em.execute<{ step: string; open: number; overdue: number }[]>(
    `with ${open.sql}
     select step_key as step, count(*)::int as open, (count(*) filter (where deadline < ?::date))::int as overdue
       from open group by step_key`,
    [...open.params, today],
  );
  return rows
    .map((r) => ({ step: r.step, name: st.name(r.step), overdue: r.overdue, open: r.open }))
    .sort((a, b) => b.overdue - a.overdue || b.open - a.open || st.rank(a.step) - st.rank(b.step));
}

/**
 * Students to remind today: deadline - today is one of `thresholds`, or negative (reminded every day once late).
 * A reminder is the student's own to-do list, so it names every open step, the final one (研工办) included even while
 * it still waits for others: the student has to go there too.
 */
export async function remindersDue(
  em: EntityManager,
  wf: Workflow,
  today: string,
  thresholds: number[],
): Promise<Reminder[]> {
  const st = stepNames(wf);
  const rows = await em.execute<(Omit<Reminder, 'openSteps'> & { steps: string[] })[]>(
    `select s.id as "studentId", s.student_no as "studentNo", s.person_id as "personId", s.name,
            to_char(s.deadline, 'YYYY-MM-DD') as deadline, (s.deadline - ?::date) as "daysLeft",
            array_agg(c.step_key order by array_position(?::text[], c.step_key)) as steps
       from student s join clearance c on c.student_id = s.id and c.status in ('pending', 'returned')
      where s.deadline < ?::date or (s.deadline - ?::date) = any(?::int[])
      group by s.id
      order by s.deadline, s.student_no`,
    [today, st.keys, today, today, pgIntArray(thresholds)],
  );
  return rows.map(({ steps, ...r }) => ({ ...r, openSteps: steps.map(st.name) }));
}
