// People on file without a Feishu open_id are looked up once by email / mobile (batch_get_id) and the ids stored.
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../../src/log.ts';
import type { FeishuApi } from './api.ts';

export async function resolveFeishuIds(
  orm: MikroORM,
  api: FeishuApi,
  log: Logger,
): Promise<{ looked: number; found: number }> {
  const em = orm.em.fork();
  const people = await em.execute<{ id: number; email: string | null; mobile: string | null }[]>(
    // A contact shared by two people (an office phone, a typo) cannot say who the id belongs to: those are left out.
    `select id,
            case when (select count(*) from person o where o.email = p.email) = 1 then email end as email,
            case when (select count(*) from person o where o.mobile = p.mobile) = 1 then mobile end as mobile
       from person p where feishu_open_id is null and (email is not null or mobile is not null)`,
  );
  if (!people.length) return { looked: 0, found: 0 };
  const ids = await api.idsByContact(
    people.flatMap((p) => (p.email ? [p.email] : [])),
    people.flatMap((p) => (p.mobile ? [p.mobile] : [])),
  );
  let found = 0;
  for (const p of people) {
    const openId = (p.email && ids.get(p.email)) || (p.mobile && ids.get(p.mobile));
    if (!openId) continue;
    // An id already held by someone else stays with them: a shared mailbox must not merge two people.
    const updated = await em.execute<{ id: number }[]>(
      'update person set feishu_open_id = ? where id = ? and feishu_open_id is null and not exists (select 1 from person o where o.feishu_open_id = ?) returning id',
      [openId, p.id, openId],
    );
    found += updated.length;
  }
  log.info({ looked: people.length, found }, 'feishu ids looked up by email / mobile');
  return { looked: people.length, found };
}
