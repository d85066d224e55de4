// A batch's changes as an administrator reads them: counts, then the first rows of each kind, steps by Chinese name.
import type { ChangeSummary, Some } from '../../src/batches/summarize.ts';
import type { Workflow } from '../../src/workflow/schema.ts';

export const STATUS_LABEL: Record<string, string> = {
  pending: '待办理',
  passed: '已通过',
  returned: '已退回',
  not_applicable: '无需办理',
};

function lines<T>(title: string, some: Some<T>, show: (row: T) => string): string[] {
  if (!some.count) return [];
  const more = some.count > some.first.length ? [`      … and ${some.count - some.first.length} more`] : [];
  return [`  ${title}: ${some.count}`, ...some.first.map((r) => `      ${show(r)}`), ...more];
}

export function renderChanges(wf: Workflow, c: ChangeSummary): string[] {
  const step = (key: string | null) => (key ? (wf.steps.find((s) => s.key === key)?.name ?? key) : '');
  const assignment = (a: {
    person: string;
    role: string;
    step: string | null;
    college: string | null;
    campus: string | null;
  }) =>
    `${a.person}  ${a.role}${a.step ? ` ${step(a.step)} (${a.step})` : ''}  college ${a.college ?? '*'}  campus ${a.campus ?? '*'}`;
  const out = [
    ...lines('colleges created', c.colleges_created, (n) => n),
    ...lines('students added', c.students_added, (s) => `${s.student_no} ${s.name}  ${s.college}`),
    ...lines('students updated', c.students_updated, (s) => `${s.student_no} ${s.name}: ${s.fields.join(', ')}`),
    ...lines('students moved college', c.students_moved, (s) => `${s.student_no} ${s.name}: ${s.from} → ${s.to}`),
    ...lines('students removed', c.students_removed, (s) => `${s.student_no} ${s.name}  ${s.college}`),
    ...(c.people_updated ? [`  people updated (name or contacts): ${c.people_updated}`] : []),
    ...lines('assignments added', c.assignments_added, assignment),
    ...lines('assignments ENDED', c.assignments_ended, assignment),
    ...lines('assignments restored', c.assignments_restored, assignment),
    ...lines('colleges removed', c.colleges_removed, (n) => n),
  ];
  for (const m of c.clearances)
    out.push(
      ...lines(
        m.from === m.to
          ? `${step(m.step)} (${m.step}): stay ${STATUS_LABEL[m.from!]}, with a new reason or amount`
          : `${step(m.step)} (${m.step}): ${m.from ? STATUS_LABEL[m.from] : '新建'} → ${m.to ? STATUS_LABEL[m.to] : '删除'}`,
        m.students,
        (s) => `${s.student_no} ${s.name}`,
      ),
    );
  return out.length ? out : ['  nothing would change'];
}
