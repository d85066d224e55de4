// Queues cards for people on every platform they can be reached on (console: by person id; Feishu / WeCom: by their ids).
import type { EntityManager } from '@mikro-orm/postgresql';
import { pgIntArray } from '../db/pg-array.ts';
import { enqueueSend, enqueueSends, type SendCardJob } from '../queue/enqueue.ts';
import type { Lane } from './lanes.ts';

export type DeliveryPlatform = 'console' | 'feishu' | 'wecom';

/** platform -> the person column holding its id (the console addresses people by their person id) */
const ID_COLUMN: Record<DeliveryPlatform, string> = { console: 'id', feishu: 'feishu_open_id', wecom: 'wecom_userid' };

export interface Delivery {
  personId: number;
  /** a neutral card (cards/model.ts) */
  card: { shows?: { page: number; clearanceIds: number[] } } & object;
  /** stable per notice, so a retried job sends once */
  key: string;
  /** the same notice laid out for a platform that needs it otherwise (WeCom: checkboxes instead of row buttons) */
  cardFor?: Partial<Record<DeliveryPlatform, Delivery['card']>>;
}

/**
 * Returns how many sends were queued. With `runAt` (the end of quiet hours) they wait in the queue until then.
 * `lane`: notices by default; scheduled mass sends say `bulk`.
 */
export async function deliver(
  em: EntityManager,
  platforms: DeliveryPlatform[],
  items: Delivery[],
  runAt?: Date,
  lane: Lane = 'notice',
): Promise<number> {
  if (!items.length || !platforms.length) return 0;
  const people = await em.execute<Record<string, string | number | null>[]>(
    `select id, ${[...new Set(platforms.map((p) => ID_COLUMN[p]))].join(', ')} from person where id = any(?::int[])`,
    [pgIntArray([...new Set(items.map((i) => i.personId))])],
  );
  const byId = new Map(people.map((p) => [Number(p.id), p]));
  const jobs: SendCardJob[] = [];
  for (const item of items)
    for (const platform of platforms) {
      const to = byId.get(item.personId)?.[ID_COLUMN[platform]];
      const card = item.cardFor?.[platform] ?? item.card;
      if (to !== null && to !== undefined)
        jobs.push({ platform, to: String(to), card, key: item.key, personId: item.personId, shows: card.shows, lane });
    }
  if (jobs.length === 1) await enqueueSend(em, jobs[0]!, runAt);
  else await enqueueSends(em, jobs, runAt);
  return jobs.length;
}
