// Daily housekeeping: forget platform delivery ids after 24 h and API idempotency keys after 7 days.
import type { EntityManager } from '@mikro-orm/postgresql';

export async function cleanupExpired(em: EntityManager): Promise<{ inboundEvents: number; apiRequests: number }> {
  const a = await em.execute<{ n: string }[]>(
    "with d as (delete from inbound_event where received_at < now() - interval '24 hours' returning 1) select count(*) as n from d",
  );
  const b = await em.execute<{ n: string }[]>(
    "with d as (delete from api_request where created_at < now() - interval '7 days' returning 1) select count(*) as n from d",
  );
  // Which listeners finished a change job only matters while that job can still be retried (hours, not weeks).
  await em.execute("delete from cron_run where job like 'listener:%' and claimed_at < now() - interval '7 days'");
  return { inboundEvents: Number(a[0]?.n ?? 0), apiRequests: Number(b[0]?.n ?? 0) };
}
