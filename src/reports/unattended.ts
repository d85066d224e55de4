// Offices nobody attends: students waiting in a college on a step whose every handler for them is away, uncovered.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Workflow } from '../workflow/schema.ts';
import { activeAt } from '../delegations/delegations.ts';
import { openCte } from './overdue.ts';

export interface Unattended {
  collegeId: number;
  step: string;
  name: string;
  /** the handlers away, by name, in name order */
  people: string[];
  /** students waiting on the step in the college whom no handler present can take */
  waiting: number;
}

/**
 * A handler is away and uncovered at `now` when they said they are away with nobody named (休假), or named a stand-in
 * who is away themselves (a stand-in's cover does not pass on). A (college, step, campus) of waiting students is
 * unattended when it has handlers and every one of them is. A season in which nobody is away costs one probe.
 */
export async function unattendedOffices(em: EntityManager, wf: Workflow, now: Date): Promise<Unattended[]> {
  const at = now.toISOString();
  const [any] = await em.execute<{ away: boolean }[]>(
    `select exists (select 1 from delegation d where d.kind in ('stand_in', 'away') and ${activeAt('d', '?::timestamptz')}) as away`,
    [at, at],
  );
  if (!any?.away) return [];
  const open = openCte(wf);
  const absent = (who: string, d: string) =>
    `select 1 from delegation ${d} where ${d}.from_person_id = ${who} and ${d}.kind in ('stand_in', 'away') and ${activeAt(d, 'at.t')}`;
  const rows = await em.execute<{ college_id: number; step_key: string; waiting: number; people: string[] }[]>(
    `with ${open.sql},
     at as (select ?::timestamptz as t),
     groups as (select college_id, step_key, campus, count(*)::int as n from open group by college_id, step_key, campus),
     held as (
       select g.college_id, g.step_key, g.campus, g.n, a.person_id,
              exists (${absent('a.person_id', 'd')} and (d.kind = 'away' or exists (${absent('d.to_person_id', 'e')}))) as uncovered
         from groups g cross join at
         join assignment a on a.role = 'handler' and a.ended_at is null and a.step_key = g.step_key
                          and (a.college_id is null or a.college_id = g.college_id) and (a.campus is null or a.campus = g.campus)),
     alone as (
       select college_id, step_key, campus, n, array_agg(distinct person_id) as ids
         from held group by college_id, step_key, campus, n having bool_and(uncovered))
     select x.college_id, x.step_key, sum(x.n)::int as waiting,
            (select array_agg(p.name order by p.name) from person p
              where p.id in (select unnest(y.ids) from alone y where y.college_id = x.college_id and y.step_key = x.step_key)) as people
       from alone x group by x.college_id, x.step_key`,
    [...open.params, at],
  );
  const rank = new Map(wf.steps.map((s, i) => [s.key, i]));
  return rows
    .map((r) => ({
      collegeId: r.college_id,
      step: r.step_key,
      name: wf.steps.find((s) => s.key === r.step_key)?.name ?? r.step_key,
      people: r.people,
      waiting: r.waiting,
    }))
    .sort((a, b) => a.collegeId - b.collegeId || (rank.get(a.step) ?? 0) - (rank.get(b.step) ?? 0));
}
