// Who is talking: a platform's user id to a person, with their student record (if any) and current assignments.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AssignmentScope } from '../decisions/authorize.ts';
import { prepared } from '../db/prepared.ts';

export type Platform = 'console' | 'feishu' | 'wecom';

export interface Identity {
  personId: number;
  name: string;
  /** the language they read cards in; null when not on file (read as Chinese) */
  lang: 'zh' | 'en' | null;
  student: { id: number; studentNo: string; collegeId: number; campus: string | null } | null;
  assignments: AssignmentScope[];
}

/** The column a platform's id is looked up in; the console uses person ids directly. */
const COLUMN: Record<Platform, string> = { console: 'id', feishu: 'feishu_open_id', wecom: 'wecom_userid' };

export interface IdentityRow {
  id: number;
  name: string;
  lang: 'zh' | 'en' | null;
  student_id: number | null;
  student_no: string | null;
  college_id: number | null;
  campus: string | null;
  assignments: AssignmentScope[];
}

/** The person, their student record and their current assignments (ended ones grant nothing), in one select. */
export function identitySelect(
  platform: Platform,
  userId: string,
  feishuUserId?: string,
): { sql: string; params: unknown[] } {
  return {
    sql: `select p.id, p.name, p.lang, s.id as student_id, s.student_no, s.college_id, s.campus,
            coalesce((select json_agg(json_build_object('role', a.role, 'stepKey', a.step_key, 'collegeId', a.college_id, 'campus', a.campus) order by a.id)
                        from assignment a where a.person_id = p.id and a.ended_at is null), '[]') as assignments
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
    lang: p.lang,
    student: p.student_id
      ? { id: p.student_id, studentNo: p.student_no!, collegeId: p.college_id!, campus: p.campus }
      : null,
    assignments: p.assignments,
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
