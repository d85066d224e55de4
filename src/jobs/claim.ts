// Claims a (job, slot) in PostgreSQL: exactly one instance, or one operator's `job run`, does each slot's work.
import type { EntityManager } from '@mikro-orm/postgresql';
import { withRetry } from '../db/retry.ts';

export type Claim = { claimed: true } | { claimed: false; by: string; at: string };

export async function claimSlot(em: EntityManager, job: string, slot: string, by: string): Promise<Claim> {
  // On its own (no transaction), retried on 40001: at REPEATABLE READ or SERIALIZABLE an insert meeting a concurrent
  // claim fails instead of doing nothing; once retried it finds the claim.
  const inserted = await withRetry(em, () =>
    em.execute<{ job: string }[]>(
      'insert into cron_run (job, slot, claimed_by) values (?, ?, ?) on conflict do nothing returning job',
      [job, slot, by],
    ),
  );
  if (inserted.length) return { claimed: true };
  const [row] = await em.execute<{ claimed_by: string; claimed_at: Date }[]>(
    'select claimed_by, claimed_at from cron_run where job = ? and slot = ?',
    [job, slot],
  );
  return { claimed: false, by: row?.claimed_by ?? 'unknown', at: row ? new Date(row.claimed_at).toISOString() : '' };
}
