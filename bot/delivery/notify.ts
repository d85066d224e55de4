// Turns changes into notices and queues each for the platforms on which its person has an id.
import type { EntityManager } from '@mikro-orm/postgresql';
import { noticesFor, type Deps } from '../../handlers/index.ts';
import { enqueueSend } from '../../src/queue/enqueue.ts';
import type { ChangeListener } from '../../src/queue/worker.ts';
import { pgIntArray } from '../../src/db/pg-array.ts';

/** platform -> the person column holding its id */
export const ID_COLUMN = { feishu: 'feishu_open_id', wecom: 'wecom_userid' } as const;
export type ChatPlatform = keyof typeof ID_COLUMN;

export function notifyListener(deps: Deps, platforms: ChatPlatform[]): ChangeListener {
  return async ({ changes }) => {
    const notices = await noticesFor(deps, changes);
    if (!notices.length || !platforms.length) return;
    const em = deps.orm.em.fork() as EntityManager;
    const people = await em.execute<Record<string, string | number | null>[]>(
      `select id, ${platforms.map((p) => ID_COLUMN[p]).join(', ')} from person where id = any(?::int[])`,
      [pgIntArray([...new Set(notices.map((n) => n.personId))])],
    );
    const byId = new Map(people.map((p) => [Number(p.id), p]));
    for (const n of notices)
      for (const platform of platforms) {
        const to = byId.get(n.personId)?.[ID_COLUMN[platform]];
        if (to) await enqueueSend(em, { platform, to: String(to), card: n.card, key: n.key, personId: n.personId });
      }
  };
}
