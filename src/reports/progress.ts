// Progress per college and step: how many students are pending, passed, returned or exempt.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Workflow } from '../workflow/schema.ts';

export interface ProgressRow {
  college: string;
  step: string;
  step_name: string;
  pending: number;
  passed: number;
  returned: number;
  not_applicable: number;
}

/** Every season's students, or one season's (`seasonId`). */
export async function progressReport(
  em: EntityManager,
  wf: Workflow,
  college?: string,
  seasonId?: number,
): Promise<ProgressRow[]> {
  const rows = await em.execute<{ college: string; step_key: string; status: string; n: string }[]>(
    `select co.name as college, c.step_key, c.status, count(*) as n
       from clearance c join student s on s.id = c.student_id join college co on co.id = s.college_id
      where (?::text is null or co.name = ?) and (?::int is null or s.season_id = ?)
      group by co.name, c.step_key, c.status`,
    [college ?? null, college ?? null, seasonId ?? null, seasonId ?? null],
  );
  const order = new Map(wf.steps.map((s, i) => [s.key, i]));
  const out = new Map<string, ProgressRow>();
  for (const r of rows) {
    const key = `${r.college}\u0000${r.step_key}`;
    const step = wf.steps.find((s) => s.key === r.step_key);
    const row = out.get(key) ?? {
      college: r.college,
      step: r.step_key,
      step_name: step?.name ?? r.step_key,
      pending: 0,
      passed: 0,
      returned: 0,
      not_applicable: 0,
    };
    row[r.status as 'pending' | 'passed' | 'returned' | 'not_applicable'] = Number(r.n);
    out.set(key, row);
  }
  return [...out.values()].sort(
    (a, b) => a.college.localeCompare(b.college, 'zh') || (order.get(a.step) ?? 99) - (order.get(b.step) ?? 99),
  );
}
