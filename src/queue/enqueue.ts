// Adds outbound jobs to graphile-worker's queue inside the caller's transaction (a transactional outbox).
import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash } from 'node:crypto';
import { prepared } from '../db/prepared.ts';
import { LANE_PRIORITY, type Lane } from '../delivery/lanes.ts';

export const JOB = {
  /** One or more clearances changed state: notify the student, refresh cards, tell the final office. */
  clearanceChanged: 'clearance_changed',
  /** Deliver one card to one person on one platform (notices, digests). */
  sendCard: 'send_card',
  /** The same for what someone is waiting for (an answer to what they wrote): run by workers kept for it. */
  sendCardNow: 'send_card_now',
} as const;

export interface SendCardJob {
  platform: string;
  /** the platform's id of the receiver (Feishu open_id, WeCom userid) */
  to: string;
  /** the neutral card (cards/model.ts), rendered by the sender */
  card: unknown;
  /** dedupe id at the platform (Feishu uuid, WeCom task_id) */
  key: string;
  personId?: number;
  /** for pending cards: the page and clearances shown, so later changes can update this copy in place */
  shows?: { page: number; clearanceIds: number[] };
  /** which lane it waits in, for the queue and the platform's quota (default `notice`) */
  lane?: Lane;
  /** cards with `shows`: the database's time as it was queued, just after its rows were read (set by the enqueue) */
  drawnAt?: string;
}

const priorityOf = (job: SendCardJob) => LANE_PRIORITY[job.lane ?? 'notice'];
const taskOf = (job: SendCardJob) => (job.lane === 'interactive' ? JOB.sendCardNow : JOB.sendCard);

export interface ClearanceChange {
  clearanceId: number;
  version: number;
}

/**
 * The job key makes a job idempotent: the same change set never queues twice,
 * and a sender may use the key as the platform's dedupe id (Feishu uuid, WeCom task_id).
 */
export function changeJobKey(changes: ClearanceChange[]): string {
  if (changes.length === 1) return `clearance:${changes[0]!.clearanceId}:v${changes[0]!.version}`;
  const h = createHash('sha256');
  for (const c of [...changes].sort((a, b) => a.clearanceId - b.clearanceId || a.version - b.version))
    h.update(`${c.clearanceId}:${c.version};`);
  return `clearances:${h.digest('hex').slice(0, 32)}`;
}

export async function enqueueClearanceChanges(
  em: EntityManager,
  changes: ClearanceChange[],
  cause: string,
): Promise<void> {
  if (changes.length === 0) return;
  await prepared(
    em,
    `select graphile_worker.add_job(?::text, ?::json, job_key => ?::text, max_attempts => 10, job_key_mode => 'preserve_run_at')`,
    [JOB.clearanceChanged, JSON.stringify({ changes, cause }), changeJobKey(changes)],
  );
}

/**
 * Queues a card for delivery; the job key makes a repeated enqueue (a retried event) one delivery. `runAt` holds it
 * in the queue until then (quiet hours); without it the card goes at once.
 */
export async function enqueueSend(em: EntityManager, job: SendCardJob, runAt?: Date): Promise<void> {
  await em.execute(
    `select graphile_worker.add_job(?, (?::jsonb || case when ?::boolean then jsonb_build_object('drawnAt', now()) else '{}' end)::json,
       run_at => coalesce(?::timestamptz, now()), job_key => ?, max_attempts => 8, job_key_mode => 'preserve_run_at', priority => ?)`,
    [
      taskOf(job),
      JSON.stringify(job),
      !!job.shows,
      runAt?.toISOString() ?? null,
      `send:${job.platform}:${job.key}`.slice(0, 500),
      priorityOf(job),
    ],
  );
}

// graphile-worker job specs of sends, from the `?::jsonb` of specRows; `?` before it is run_at (null: now). A list
// card's payload gets drawnAt, the statement's now(): its rows were read just before.
// job_spec: (identifier, payload, queue_name, run_at, max_attempts, job_key, priority, flags)
const SEND_SPECS = `array(
  select row(x.task, case when x.payload::jsonb -> 'shows' is not null then (x.payload::jsonb || jsonb_build_object('drawnAt', now()))::json
                          else x.payload end, null, ?::timestamptz, 8, x.job_key, x.priority, null)::graphile_worker.job_spec
    from jsonb_to_recordset(?::jsonb) as x(task text, payload json, job_key text, priority int))`;

const specRows = (jobs: SendCardJob[]) =>
  JSON.stringify(
    jobs.map((job) => ({
      task: taskOf(job),
      payload: job,
      job_key: `send:${job.platform}:${job.key}`.slice(0, 500),
      priority: priorityOf(job),
    })),
  );

/** Many sends in one statement (graphile-worker's add_jobs), for jobs that message a whole season. */
export async function enqueueSends(em: EntityManager, jobs: SendCardJob[], runAt?: Date): Promise<void> {
  for (let i = 0; i < jobs.length; i += 1000)
    await em.execute(`select count(*) from graphile_worker.add_jobs(${SEND_SPECS}, true)`, [
      runAt?.toISOString() ?? null,
      specRows(jobs.slice(i, i + 1000)),
    ]);
}

/**
 * Claims a platform's delivery key and queues the answers to it in one statement (atomic without a transaction):
 * false, and nothing queued, when the key was claimed before (a retry answered already). For a chat message's few
 * answer cards; a failure before it leaves the key unclaimed, so the platform's retry is answered.
 */
export async function claimAndEnqueue(
  em: EntityManager,
  claim: { platform: string; key: string },
  jobs: SendCardJob[],
): Promise<boolean> {
  const [row] = await prepared<{ claimed: number }>(
    em,
    `with claim as (insert into inbound_event (platform, event_key) values (?::text, ?::text) on conflict do nothing returning 1),
          queued as (select 1 from claim, lateral graphile_worker.add_jobs(${SEND_SPECS}, true))
     select (select count(*) from claim)::int as claimed, (select count(*) from queued)::int as queued`,
    [claim.platform, claim.key.slice(0, 200), null, specRows(jobs)],
  );
  return row!.claimed === 1;
}
