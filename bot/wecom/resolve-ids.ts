// People on file without a WeCom userid are looked up once by mobile, then email, and the ids stored.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../src/log.ts';
import type { WecomApi } from './api.ts';

export async function resolveWecomIds(
  orm: MikroORM,
  api: WecomApi,
  log: Logger,
): Promise<{ looked: number; found: number }> {
  const em = orm.em.fork();
  const people = await em.execute<{ id: number; email: string | null; mobile: string | null }[]>(
    // A contact shared by two people (an office phone, a typo) cannot say who the id belongs to: those are left out.
    `select id,
            case when (select count(*) from person o where o.email = p.email) = 1 then email end as email,
            case when (select count(*) from person o where o.mobile = p.mobile) = 1 then mobile end as mobile
       from person p where wecom_userid is null and (email is not null or mobile is not null)`,
  );
  let found = 0;
  for (const p of people) {
    // One call per person (WeCom has no batch lookup); the API client paces them.
    const userid =
      (p.mobile && (await api.useridByContact({ mobile: p.mobile }))) ||
      (p.email && (await api.useridByContact({ email: p.email })));
    if (!userid) continue;
    const updated = await em.execute<{ id: number }[]>(
      'update person set wecom_userid = ? where id = ? and wecom_userid is null and not exists (select 1 from person o where o.wecom_userid = ?) returning id',
      [userid, p.id, userid],
    );
    found += updated.length;
  }
  if (people.length) log.info({ looked: people.length, found }, 'wecom userids looked up by mobile / email');
  return { looked: people.length, found };
}
