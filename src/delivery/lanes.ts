// Outbound priority lanes: what someone is looking at goes first, then notices, then the scheduled mass sends.
/**
 * - `interactive`: answers to what a person just wrote or tapped, and the copies of list cards people are working on;
 * - `notice`: a student told of a change, an office told a student is ready;
 * - `bulk`: digests, reminders, nudges and escalations, which fill whatever quota the other two leave.
 */
export type Lane = 'interactive' | 'notice' | 'bulk';

/** graphile-worker runs lower priorities first (`order by priority asc, run_at asc`). */
export const LANE_PRIORITY: Record<Lane, number> = { interactive: 0, notice: 5, bulk: 10 };

/** The rate limiter serves waiters in this order (0 first), arrival order within a lane. */
export const LANE_RANK: Record<Lane, number> = { interactive: 0, notice: 1, bulk: 2 };
