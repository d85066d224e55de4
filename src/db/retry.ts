// Work that decides, imports or purges: READ COMMITTED whatever the server's or role's default, retried a bounded number of times on 40001 / 40P01.
import { IsolationLevel } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * serialization_failure and deadlock_detected: the work did nothing and may simply run again
 * (https://www.postgresql.org/docs/current/mvcc-serialization-failure-handling.html).
 */
const RETRYABLE = new Set(['40001', '40P01']);

/** Attempts in all: enough for a burst of contention on one row, few enough that a real fault surfaces at once. */
export const MAX_ATTEMPTS = 8;

export function isRetryable(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE.has(code);
}

const pause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 5 * 2 ** attempt)));

/**
 * Runs `work` again (after a short random pause, so that the parties to a deadlock do not meet again) when it fails
 * with 40001 / 40P01. Inside a caller's transaction it runs once: the failure has aborted that transaction, and only
 * whoever began it can start it again.
 */
export async function withRetry<T>(em: EntityManager, work: () => Promise<T>): Promise<T> {
  return em.isInTransaction() ? work() : retried(work);
}

/** `work` (one statement, or a transaction of its own) again on 40001 / 40P01, up to MAX_ATTEMPTS in all. */
export async function retried<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (e) {
      if (!isRetryable(e) || attempt >= MAX_ATTEMPTS) throw e;
      await pause(attempt);
    }
  }
}

/**
 * A transaction at READ COMMITTED, retried as a whole on 40001 / 40P01. Our gates rely on it: a statement that waited
 * for a row lock must then read what the lock's previous holder committed (REPEATABLE READ would read its own older
 * snapshot, SERIALIZABLE would fail). Nested in a caller's transaction, it is a savepoint of that one, at its level.
 */
export function readCommitted<T>(em: EntityManager, work: (em: EntityManager) => Promise<T>): Promise<T> {
  if (em.isInTransaction()) return em.transactional((t) => work(t));
  return withRetry(em, () => em.transactional((t) => work(t), { isolationLevel: IsolationLevel.READ_COMMITTED }));
}
