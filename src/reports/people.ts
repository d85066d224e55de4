// Everyone of the season for the console's "act as" list: students with their college, staff with what they hold, in Chinese.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Workflow } from '../workflow/schema.ts';
import { stepOf } from '../workflow/load.ts';

export interface PersonEntry {
  id: number;
  name: string;
  kind: 'student' | 'staff';
  /** e.g. "202301005 · 计算机学院 · A区", "图书馆 · 经办人", "学院研究生教务秘书（计算机学院） · 经办人" */
  detail: string;
}

export const ROLE_LABEL: Record<string, string> = {
  handler: '经办人',
  college_admin: '学院管理员',
  school_admin: '学校管理员',
};

interface AssignmentRow {
  role: string;
  step_key: string | null;
  college: string | null;
  campus: string | null;
}

/** One assignment in words: what it is for (step, or the college it supervises), its scope, then the role. */
function held(wf: Workflow, a: AssignmentRow): string {
  const scope = [a.college, a.campus].filter(Boolean).join('·');
  const what =
    a.role === 'handler'
      ? `${stepOf(wf, a.step_key ?? '')?.name ?? a.step_key}${scope ? `（${scope}）` : ''}`
      : a.role === 'college_admin'
        ? (a.college ?? '全校')
        : '';
  return [what, ROLE_LABEL[a.role] ?? a.role].filter(Boolean).join(' · ');
}

export async function seasonPeople(em: EntityManager, wf: Workflow): Promise<PersonEntry[]> {
  const students = await em.execute<PersonEntry[]>(
    `select p.id, p.name, 'student' as kind, s.student_no || ' · ' || c.name || coalesce(' · ' || s.campus, '') as detail
       from person p join student s on s.person_id = p.id join college c on c.id = s.college_id
      order by detail`,
  );
  const staff = await em.execute<
    ({ id: number; name: string; assignments: AssignmentRow[] } & Record<string, unknown>)[]
  >(
    `select p.id, p.name,
            json_agg(json_build_object('role', a.role, 'step_key', a.step_key, 'college', co.name, 'campus', a.campus)
                     order by a.role, a.step_key, co.name, a.campus) as assignments
       from person p join assignment a on a.person_id = p.id and a.ended_at is null left join college co on co.id = a.college_id
      group by p.id, p.name`,
  );
  // Staff in workflow order of what they hold first (the offices as the handbook lists them), then admins.
  const rank = (rows: AssignmentRow[]) =>
    Math.min(
      ...rows.map((a) =>
        a.role === 'handler'
          ? wf.steps.findIndex((s) => s.key === a.step_key)
          : wf.steps.length + (a.role === 'college_admin' ? 0 : 1),
      ),
    );
  const people: PersonEntry[] = staff
    .sort((x, y) => rank(x.assignments) - rank(y.assignments) || x.name.localeCompare(y.name, 'zh'))
    .map((p) => ({
      id: p.id,
      name: p.name,
      kind: 'staff' as const,
      detail: [...new Set(p.assignments.map((a) => held(wf, a)))].join('；'),
    }));
  return [...people, ...students];
}
