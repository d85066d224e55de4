// At scrape time: the queue, the change outbox and the pool are read as they are now, then every metric is rendered.
import type { MikroORM } from '@mikro-orm/postgresql';
import { gauges, registry } from './metrics.ts';
import { JOB } from '../queue/enqueue.ts';

/** What tarn (knex's pool, under MikroORM) tells about itself. */
interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
}

// Waiting jobs per task: not locked by a worker and attempts left (graphile-worker's own `is_available`), the
// future-dated retries included, since they are still owed. The tables are graphile-worker's private ones (it has no
// public view of them); the application role reads them through the policies of the README's Deployment section.
const QUEUE = `
select t.identifier as task, count(*)::int as depth, coalesce(extract(epoch from now() - min(j.created_at)), 0)::float8 as age
  from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
 where j.is_available
 group by t.identifier`;

const OUTBOX = `
select count(*)::int as depth, coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as age from change_outbox`;

function ormPool(orm: MikroORM): TarnPool | undefined {
  const knex = orm.em.getConnection().getKnex() as unknown as { client?: { pool?: TarnPool } };
  return knex.client?.pool;
}

/** The Prometheus text of every metric, with the database-backed gauges read now. */
export async function scrapeMetrics(orm: MikroORM): Promise<string> {
  try {
    await readQueues(orm);
  } catch {
    // The database is down or refuses: the rest still tells what happened, and the failures say the gauges are stale.
    gauges.scrapeFailures.inc();
  }
  readPool(orm);
  return registry.metrics();
}

async function readQueues(orm: MikroORM): Promise<void> {
  const em = orm.em.fork();
  const [queue, [outbox]] = await Promise.all([
    em.getConnection().execute<{ task: string; depth: number; age: number }[]>(QUEUE),
    em.getConnection().execute<{ depth: number; age: number }[]>(OUTBOX),
  ]);
  gauges.queueDepth.reset();
  gauges.queueAge.reset();
  for (const known of Object.values(JOB)) {
    gauges.queueDepth.set({ task: known }, 0);
    gauges.queueAge.set({ task: known }, 0);
  }
  for (const row of queue) {
    gauges.queueDepth.set({ task: row.task }, row.depth);
    gauges.queueAge.set({ task: row.task }, row.age);
  }
  gauges.outboxDepth.set(outbox?.depth ?? 0);
  gauges.outboxAge.set(outbox?.age ?? 0);
}

function readPool(orm: MikroORM): void {
  const pool = ormPool(orm);
  if (pool) {
    gauges.poolInUse.set({ pool: 'orm' }, pool.numUsed());
    gauges.poolIdle.set({ pool: 'orm' }, pool.numFree());
    gauges.poolWaiting.set({ pool: 'orm' }, pool.numPendingAcquires());
  }
}

export const METRICS_CONTENT_TYPE = registry.contentType;
