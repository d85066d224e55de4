// Claims a (job, slot) in PostgreSQL: exactly one instance, or one operator's `job run`, does each slot's work.
import type { EntityManager } from '@mikro-orm/postgresql';
import { withRetry } from '../db/retry.ts';
import { pgTextArray } from '../db/pg-array.ts';

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

/** Claims each of `slots` of `job` that nobody has claimed yet, in the caller's transaction; returns those won. */
export async function claimSlots(em: EntityManager, job: string, slots: string[], by: string): Promise<Set<string>> {
  if (!slots.length) return new Set();
  const won = await withRetry(em, () =>
    em.execute<{ slot: string }[]>(
      `insert into cron_run (job, slot, claimed_by) select ?, s, ? from unnest(?::text[]) as s
       on conflict do nothing returning slot`,
      [job, by, pgTextArray(slots)],
    ),
  );
  return new Set(won.map((w) => w.slot));
}
