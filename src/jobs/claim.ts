// Claims a (job, slot) in PostgreSQL: exactly one instance, or one operator's `job run`, does each slot's work.
import type { EntityManager } from '@mikro-orm/postgresql';

export type Claim = { claimed: true } | { claimed: false; by: string; at: string };

export async function claimSlot(em: EntityManager, job: string, slot: string, by: string): Promise<Claim> {
  const inserted = await em.execute<{ job: string }[]>(
    'insert into cron_run (job, slot, claimed_by) values (?, ?, ?) on conflict do nothing returning job',
    [job, slot, by],
  );
  if (inserted.length) return { claimed: true };
  const [row] = await em.execute<{ claimed_by: string; claimed_at: Date }[]>(
    'select claimed_by, claimed_at from cron_run where job = ? and slot = ?',
    [job, slot],
  );
  return { claimed: false, by: row?.claimed_by ?? 'unknown', at: row ? new Date(row.claimed_at).toISOString() : '' };
}
