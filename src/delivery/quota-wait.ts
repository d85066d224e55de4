// A send that would wait for a platform's budget longer than a moment: the job goes back to the queue instead.
import { LixiaoError } from '../errors.ts';

/**
 * How long a queued send may wait for a budget inside a worker. A WeCom member's minute can be spent for a minute:
 * sleeping on it would hold a worker that other people's sends, within their budgets, are waiting for.
 */
export const GIVE_BACK_AFTER_MS = 2000;

/** Thrown by a limiter asked not to wait longer than `maxWaitMs`: nothing was taken from any budget. */
export class QuotaWait extends LixiaoError {
  readonly code = 'quota_wait';
  constructor(readonly waitMs: number) {
    super(`quota: ${waitMs} ms until the budget has room`);
  }
}
