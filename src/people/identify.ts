// Who is talking: a platform's user id to a person, with their student record (if any) and current assignments.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AssignmentScope } from '../decisions/authorize.ts';
import { prepared } from '../db/prepared.ts';
import { supervisingSql } from './supervising.ts';

export type Platform = 'console' | 'feishu' | 'wecom';

export interface Identity {
  personId: number;
  name: string;
  student: { id: number; studentNo: string; collegeId: number; campus: string | null } | null;
  assignments: AssignmentScope[];
}

/** The column a platform's id is looked up in; the console uses person ids directly. */
const COLUMN: Record<Platform, string> = { console: 'id', feishu: 'feishu_open_id', wecom: 'wecom_userid' };

export interface IdentityRow {
  id: number;
  name: string;
  student_id: number | null;
  student_no: string | null;
  college_id: number | null;
  campus: string | null;
  assignments: AssignmentScope[];
  /** the supervisors whose students this person confirms (their own, or as authorised / stand-in) */
  supervising?: AssignmentScope[];
}

/** The person, their student record and their current assignments (ended ones grant nothing), in one select. */
export function identitySelect(
  platform: Platform,
  userId: string,
  feishuUserId?: string,
): { sql: string; params: unknown[] } {
  return {
    sql: `select p.id, p.name, s.id as student_id, s.student_no, s.college_id, s.campus,
            coalesce((select json_agg(json_build_object('role', a.role, 'stepKey', a.step_key, 'collegeId', a.college_id, 'campus', a.campus) order by a.id)
                        from assignment a where a.person_id = p.id and a.ended_at is null), '[]') as assignments,
            ${supervisingSql('p.id')} as supervising
       from person p left join student s on s.person_id = p.id
      where p.${COLUMN[platform]} = ? ${platform === 'feishu' ? 'or (?::text is not null and p.feishu_user_id = ?::text)' : ''}
      limit 1`,
    params:
      platform === 'feishu'
        ? [userId, feishuUserId ?? null, feishuUserId ?? null]
        : [platform === 'console' ? Number(userId) : userId],
  };
}

export function toIdentity(p: IdentityRow): Identity {
  return {
    personId: p.id,
    name: p.name,
    student: p.student_id
      ? { id: p.student_id, studentNo: p.student_no!, collegeId: p.college_id!, campus: p.campus }
      : null,
    // A supervisor's students are a scope like a handler's (src/people/supervising.ts)
    assignments: [...p.assignments, ...(p.supervising ?? [])],
  };
}

export async function identify(
  em: EntityManager,
  platform: Platform,
  userId: string,
  feishuUserId?: string,
): Promise<Identity | null> {
  if (platform === 'console' && !/^\d{1,9}$/.test(userId)) return null;
  const q = identitySelect(platform, userId, feishuUserId);
  const [row] = await prepared<IdentityRow>(em, q.sql, q.params);
  return row ? toIdentity(row) : null;
}
