// The doctor's season checks: people nobody can message, steps nobody handles somewhere, handlers nobody can reach.
import type pg from 'pg';
import type { Config } from '../../src/config.ts';
import type { Workflow } from '../../src/workflow/schema.ts';
import { area, type CheckResult } from './check.ts';

const s = area('season');

/** At most this many names in a line; the rest are counted. */
const LISTED = 10;

const listed = (items: string[]) =>
  items.length > LISTED ? `${items.slice(0, LISTED).join(', ')} and ${items.length - LISTED} more` : items.join(', ');

interface Group {
  college_id: number;
  college: string;
  campus: string | null;
  exit_type: string;
  students: number;
}
interface Handler {
  name: string;
  step_key: string;
  college_id: number | null;
  campus: string | null;
  feishu_open_id: string | null;
  wecom_userid: string | null;
}

export async function seasonChecks(client: pg.Client, config: Config, wf: Workflow): Promise<CheckResult[]> {
  const [season] = (
    await client.query<{ id: number; label: string }>(
      'select id, label from season where purged_at is null order by id desc limit 1',
    )
  ).rows;
  if (!season) return [s.skip('season', 'no season yet: import students first (lixiao import students)')];
  const results: CheckResult[] = [];
  const chat = Boolean(config.feishu || config.wecom);

  if (!chat) results.push(s.skip('platform ids', 'no chat platform configured: the console reaches everyone'));
  else {
    const people = (
      await client.query<{ who: string }>(
        `select coalesce(st.student_no || ' ' || p.name, p.name) as who
           from person p left join student st on st.person_id = p.id and st.season_id = $1
          where (st.id is not null or exists (select 1 from assignment a where a.person_id = p.id and a.ended_at is null))
            and p.feishu_open_id is null and p.feishu_user_id is null and p.wecom_userid is null
          order by st.student_no nulls first, p.name`,
        [season.id],
      )
    ).rows.map((r) => r.who);
    results.push(
      people.length
        ? s.fail(
            'platform ids',
            `${people.length} people of season ${season.label} have no platform id: ${listed(people)}`,
            'add feishu_open_id / wecom_userid (or email / mobile, looked up when the service starts) to the import files and import them again; check the apps’ availability / visible range',
          )
        : s.pass('platform ids', `everyone of season ${season.label} has a platform id`),
    );
  }

  const groups = (
    await client.query<Group>(
      `select st.college_id, c.name as college, st.campus, st.exit_type, count(*)::int as students
         from student st join college c on c.id = st.college_id where st.season_id = $1
        group by 1, 2, 3, 4 order by 2, 3`,
      [season.id],
    )
  ).rows;
  const handlers = (
    await client.query<Handler>(
      `select p.name, a.step_key, a.college_id, a.campus, p.feishu_open_id, p.wecom_userid
         from assignment a join person p on p.id = a.person_id
        where a.role = 'handler' and a.ended_at is null order by a.step_key, p.name`,
    )
  ).rows;
  // A step done by another system's API (一卡通) needs no handler; every other step needs one wherever it applies (a
  // supervisor's step is each student's own supervisor's, imported with the students).
  const gaps: string[] = [];
  for (const step of wf.steps.filter((x) => x.staff_use_system && x.scope !== 'supervisor')) {
    const uncovered = new Map<string, number>();
    for (const g of groups) {
      if (!(step.applies_to as string[]).includes(g.exit_type)) continue;
      const covered = handlers.some(
        (h) =>
          h.step_key === step.key &&
          (h.college_id === null || h.college_id === g.college_id) &&
          (h.campus === null || h.campus === g.campus),
      );
      if (covered) continue;
      const where = `${g.college}${g.campus ? ` ${g.campus}` : ''}`;
      uncovered.set(where, (uncovered.get(where) ?? 0) + g.students);
    }
    if (uncovered.size)
      gaps.push(
        `${step.key} (${step.office}): ${listed([...uncovered].map(([where, n]) => `${where} (${n} students)`))}`,
      );
  }
  results.push(
    gaps.length
      ? s.fail(
          'handlers everywhere',
          `steps without a handler for some students: ${gaps.join('; ')}`,
          'add handler rows for these steps, colleges and campuses to the staff file (college * or campus empty covers all) and import it',
        )
      : s.pass('handlers everywhere', 'every step has a handler for every college and campus of the season'),
  );

  if (!chat) results.push(s.skip('handlers reachable', 'no chat platform configured: the console reaches everyone'));
  else {
    const unreachable = [
      ...new Set(
        handlers
          .filter((h) => !((config.feishu && h.feishu_open_id) || (config.wecom && h.wecom_userid)))
          .map((h) => `${h.name} (${h.step_key})`),
      ),
    ];
    const on = [config.feishu && 'feishu_open_id', config.wecom && 'wecom_userid'].filter(Boolean).join(' or ');
    results.push(
      unreachable.length
        ? s.fail(
            'handlers reachable',
            `${unreachable.length} handlers have no ${on}, so no card reaches them: ${listed(unreachable)}`,
            `add their ${on} (or email / mobile, looked up when the service starts) to the staff file and import it`,
          )
        : s.pass('handlers reachable', `every handler has a ${on}`),
    );
  }
  return results;
}
