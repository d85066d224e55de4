// Whether a step applies to a student, in SQL: their exit type is among the step's, and a supervisor's step needs a supervisor.
import type { Workflow } from './schema.ts';

/** The steps as `jsonb_to_recordset(...) as st(key text, applies_to jsonb, scope text)` reads them. */
export function stepsJson(wf: Workflow): string {
  return JSON.stringify(wf.steps.map((s) => ({ key: s.key, applies_to: s.applies_to, scope: s.scope })));
}

/** 'pending' or 'not_applicable' for student `s` on step `st` (a student without a supervisor keeps the paper form). */
export const APPLIES = `case when s.exit_type = any(array(select jsonb_array_elements_text(st.applies_to)))
            and (st.scope <> 'supervisor' or s.supervisor_id is not null) then 'pending' else 'not_applicable' end`;
