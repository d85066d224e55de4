// A staff member named in a command (代理 王五, lixiao delegate 王五 …): by email, mobile, platform id or name.
import type { EntityManager } from '@mikro-orm/postgresql';
import { LixiaoError } from '../errors.ts';

export interface FoundPerson {
  id: number;
  name: string;
}

export class PersonLookupError extends LixiaoError {
  constructor(
    readonly code: 'person_unknown' | 'person_ambiguous',
    message: string,
    readonly candidates: (FoundPerson & { hint: string | null })[] = [],
  ) {
    super(message);
  }
}

/**
 * The one staff member (a person with no student record) `word` names: an exact email, mobile, WeCom userid (often the
 * 工号), Feishu open_id or user_id first, else an exact name. Students are never stand-ins. Unknown or ambiguous is an
 * error that lists the candidates with what tells them apart.
 */
export async function findStaff(em: EntityManager, word: string): Promise<FoundPerson> {
  const w = word.trim();
  if (!w) throw new PersonLookupError('person_unknown', '请写出同事的姓名、工号、邮箱或手机号 (name someone)');
  const rows = await em.execute<(FoundPerson & { by_id: boolean; hint: string | null })[]>(
    `select p.id, p.name,
            (lower(p.email) = lower(?) or p.mobile = ? or p.wecom_userid = ? or p.feishu_open_id = ? or p.feishu_user_id = ?) as by_id,
            coalesce(p.wecom_userid, p.email, p.mobile, p.feishu_user_id) as hint
       from person p
      where not exists (select 1 from student s where s.person_id = p.id)
        and (lower(p.email) = lower(?) or p.mobile = ? or p.wecom_userid = ? or p.feishu_open_id = ? or p.feishu_user_id = ? or p.name = ?)
      order by p.id`,
    [w, w, w, w, w, w, w, w, w, w, w],
  );
  const byId = rows.filter((r) => r.by_id);
  const found = byId.length ? byId : rows;
  if (found.length === 1) return { id: found[0]!.id, name: found[0]!.name };
  if (!found.length)
    throw new PersonLookupError('person_unknown', `找不到“${w}”：请写出同事的姓名、工号、邮箱或手机号`);
  const candidates = found.map((r) => ({ id: r.id, name: r.name, hint: r.hint }));
  throw new PersonLookupError(
    'person_ambiguous',
    `“${w}”有 ${found.length} 位：${candidates.map((c) => `${c.name}（${c.hint ?? `#${c.id}`}）`).join('、')}；请改用工号、邮箱或手机号`,
    candidates,
  );
}
