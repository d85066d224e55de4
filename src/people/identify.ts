// Who is talking: a platform's user id to a person, with their student record (if any), current assignments and whom they stand in for.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AssignmentScope } from '../decisions/authorize.ts';
import { prepared } from '../db/prepared.ts';
import { activeAt } from '../delegations/delegations.ts';
import { supervisingSql } from './supervising.ts';
import type { DelegationKind } from '../entities/delegation.ts';

export type Platform = 'console' | 'feishu' | 'wecom';

/** Someone whose work this person covers now, with the assignments that work is. */
export interface Covering {
  delegationId: number;
  personId: number;
  name: string;
  kind: DelegationKind;
  endsAt: string | null;
  assignments: AssignmentScope[];
}

export interface Identity {
  personId: number;
  name: string;
  /** the language they read cards in; null when not on file (read as Chinese) */
  lang: 'zh' | 'en' | null;
  student: { id: number; studentNo: string; collegeId: number; campus: string | null } | null;
  /** their own assignments */
  assignments: AssignmentScope[];
  /** the people they cover now (a stand-in for someone away, an authorised person) */
  covers: Covering[];
  /** what they may see and act on now: their own assignments and those of the people they stand in for */
  acting: AssignmentScope[];
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
  covers: Covering[];
}

// A supervisor's (导师) students are a scope like a handler's: an entry of role `supervisor` (src/people/supervising.ts).
const ASSIGNMENTS = (person: string) =>
  `(coalesce((select json_agg(json_build_object('role', a.role, 'stepKey', a.step_key, 'collegeId', a.college_id, 'campus', a.campus) order by a.id)
              from assignment a where a.person_id = ${person} and a.ended_at is null), '[]')::jsonb || ${supervisingSql(person)}::jsonb)`;

/**
 * The person, their student record, their current assignments (ended ones grant nothing) and the people they cover at
 * `at` (default: the database's now), in one select: a tap by someone who covers nobody costs the delegation index
 * probe and no round trip.
 */
export function identitySelect(
  platform: Platform,
  userId: string,
  feishuUserId?: string,
  at?: Date,
): { sql: string; params: unknown[] } {
  return {
    sql: `select p.id, p.name, p.lang, s.id as student_id, s.student_no, s.college_id, s.campus, ${ASSIGNMENTS('p.id')} as assignments,
            coalesce((select json_agg(json_build_object('delegationId', d.id, 'personId', d.from_person_id, 'name', f.name, 'kind', d.kind,
                                                        'endsAt', d.ends_at, 'assignments', ${ASSIGNMENTS('d.from_person_id')}) order by d.id)
                        from (select coalesce(?::timestamptz, now()) as t) at, delegation d join person f on f.id = d.from_person_id
                       where d.to_person_id = p.id and ${activeAt('d', 'at.t')}), '[]') as covers
       from person p left join student s on s.person_id = p.id
      where p.${COLUMN[platform]} = ? ${platform === 'feishu' ? 'or (?::text is not null and p.feishu_user_id = ?::text)' : ''}
      limit 1`,
    params: [
      at ? at.toISOString() : null,
      ...(platform === 'feishu'
        ? [userId, feishuUserId ?? null, feishuUserId ?? null]
        : [platform === 'console' ? Number(userId) : userId]),
    ],
  };
}

/**
 * Own assignments and those of the people one stands in for. An authorisation (授权) is a supervisor's: it covers
 * their students, not their office, so it adds no assignment here.
 */
export function actingAssignments(own: AssignmentScope[], covers: Covering[]): AssignmentScope[] {
  return covers.length ? [...own, ...covers.flatMap(coveredScopes)] : own;
}

/** What covering someone adds: a stand-in all their work, an authorised person (授权人) only their students as supervisor. */
export function coveredScopes(c: { kind: DelegationKind; assignments: AssignmentScope[] }): AssignmentScope[] {
  if (c.kind === 'stand_in') return c.assignments;
  return c.kind === 'authorised' ? c.assignments.filter((a) => a.role === 'supervisor') : [];
}

export function toIdentity(p: IdentityRow): Identity {
  const covers = p.covers ?? [];
  return {
    personId: p.id,
    name: p.name,
    lang: p.lang,
    student: p.student_id
      ? { id: p.student_id, studentNo: p.student_no!, collegeId: p.college_id!, campus: p.campus }
      : null,
    assignments: p.assignments,
    covers,
    acting: actingAssignments(p.assignments, covers),
  };
}

export async function identify(
  em: EntityManager,
  platform: Platform,
  userId: string,
  feishuUserId?: string,
  at?: Date,
): Promise<Identity | null> {
  if (platform === 'console' && !/^\d{1,9}$/.test(userId)) return null;
  const q = identitySelect(platform, userId, feishuUserId, at);
  const [row] = await prepared<IdentityRow>(em, q.sql, q.params);
  return row ? toIdentity(row) : null;
}
