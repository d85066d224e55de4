// Whose students a person confirms as supervisor (导师): their own, and those of every supervisor who delegates to them now.
import type { DelegationKind } from '../entities/delegation.ts';

/**
 * A person's supervision, as assignment-like entries (role `supervisor`, no step, college or campus: the step is the
 * workflow's supervisor step, the students those of `supervisorId`). An authorised person (授权人) and a stand-in (代理)
 * of a supervisor both see and decide for the supervisor's students, signed as acting for them.
 */
export interface Supervising {
  role: 'supervisor';
  stepKey: null;
  collegeId: null;
  campus: null;
  supervisorId: number;
  supervisorName: string;
  /** set when acting for another supervisor */
  delegation?: DelegationKind;
}

/** SQL: a json array of `Supervising` for the person whose id is the expression `person` (in one select, no round trip). */
export function supervisingSql(person: string): string {
  return `coalesce((select json_agg(x order by x.ord, x."supervisorId") from (
      select 0 as ord, 'supervisor' as role, null::text as "stepKey", null::int as "collegeId", null::text as campus,
             sp.id as "supervisorId", sp.name as "supervisorName", null::text as delegation
        from person sp where sp.id = ${person} and exists (select 1 from student st where st.supervisor_id = sp.id)
      union all
      select 1, 'supervisor', null, null, null, d.from_person_id, f.name, d.kind
        from delegation d join person f on f.id = d.from_person_id
       where d.to_person_id = ${person} and d.ended_at is null and d.starts_at <= now() and (d.ends_at is null or d.ends_at > now())
         and exists (select 1 from student st where st.supervisor_id = d.from_person_id)) x), '[]')`;
}
