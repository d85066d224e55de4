// Whose students a person confirms as supervisor (导师): their own, and those of every supervisor who delegates to them now.

/**
 * A supervisor's supervision, as an assignment-like entry (role `supervisor`, no step, college or campus: the step is the
 * workflow's supervisor step, the students those of `supervisorId`). Their authorised person (授权人) and their stand-in
 * (代理) act under it as they act under a handler's assignments (src/people/identify.ts coveredScopes), signed so.
 */
export interface Supervising {
  role: 'supervisor';
  stepKey: null;
  collegeId: null;
  campus: null;
  supervisorId: number;
  supervisorName: string;
}

/** SQL: a json array of the `Supervising` entry of the person whose id is the expression `person`, if they supervise students. */
export function supervisingSql(person: string): string {
  return `coalesce((select json_agg(json_build_object('role', 'supervisor', 'stepKey', null, 'collegeId', null, 'campus', null,
                                                  'supervisorId', sp.id, 'supervisorName', sp.name))
                      from person sp where sp.id = ${person} and exists (select 1 from student st where st.supervisor_id = sp.id)), '[]')`;
}
