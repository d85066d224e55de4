// A person's current assignments (ended ones no longer grant anything), with the supervisors whose students they confirm.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AssignmentScope } from '../decisions/authorize.ts';
import { supervisingSql } from './supervising.ts';

export async function activeAssignments(em: EntityManager, personId: number): Promise<AssignmentScope[]> {
  const rows = await em.execute<
    { role: AssignmentScope['role']; step_key: string | null; college_id: number | null; campus: string | null }[]
  >('select role, step_key, college_id, campus from assignment where person_id = ? and ended_at is null', [personId]);
  const [sup] = await em.execute<{ supervising: AssignmentScope[] }[]>(
    `select ${supervisingSql('?::int')} as supervising`,
    [personId, personId],
  );
  return [
    ...rows.map((r) => ({ role: r.role, stepKey: r.step_key, collegeId: r.college_id, campus: r.campus })),
    ...(sup?.supervising ?? []),
  ];
}
