// Everyone of the season for the console's "act as" list: students with their college, staff with what they hold.
import type { EntityManager } from '@mikro-orm/postgresql';

export interface PersonEntry {
  id: number;
  name: string;
  kind: 'student' | 'staff';
  detail: string;
}

export async function seasonPeople(em: EntityManager): Promise<PersonEntry[]> {
  return em.execute(
    `select p.id, p.name, 'student' as kind, s.student_no || ' · ' || c.name || coalesce(' · ' || s.campus, '') as detail
       from person p join student s on s.person_id = p.id join college c on c.id = s.college_id
     union all
     select p.id, p.name, 'staff' as kind,
            string_agg(distinct a.role || coalesce(':' || a.step_key, '') || coalesce('@' || co.name, '') || coalesce('/' || a.campus, ''), ' ') as detail
       from person p join assignment a on a.person_id = p.id and a.ended_at is null left join college co on co.id = a.college_id
      group by p.id, p.name
     order by kind, detail`,
  );
}
