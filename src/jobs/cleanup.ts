// Daily housekeeping: forget platform delivery ids after 24 h, API idempotency keys after 7 days, rate-limit spends after 2 h.
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
  // Shared rate-limit spends (WeCom member ids) are pruned as their bucket is used again; this takes the rest, past
  // the longest window (an hour).
  await em.execute("delete from rate_spend where at < now() - interval '2 hours'");
  return { inboundEvents: Number(a[0]?.n ?? 0), apiRequests: Number(b[0]?.n ?? 0) };
}
