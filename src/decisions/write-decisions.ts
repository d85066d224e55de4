// A chunk's writes as one statement: compare-and-set the clearances, audit them, record the changes for the follow-up.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ClearanceStatus } from '../entities/clearance.ts';
import { prepared } from '../db/prepared.ts';
import { pgIntArray, pgTextArray } from '../db/pg-array.ts';
import type { AuditCommon, AuditRow } from '../audit/insert-audit.ts';

export interface Candidate {
  id: number;
  reason: string | null;
  expectedVersion: number | null;
  /** the audit detail of the row if it wins, without the version it reaches */
  detail: Record<string, unknown>;
}

export interface WriteRequest {
  to: ClearanceStatus;
  from: ClearanceStatus[];
  /** steps that must not be open for a row to change (the final gate), re-checked as the row is written */
  required: string[];
  /** who is recorded as the decider; null for a revoke, which clears the decision */
  decider: { personId: number | null; label: string; source: string } | null;
  candidates: Candidate[];
  audit: AuditCommon;
  /** audit rows that do not depend on the write (denied attempts) */
  otherAudit: AuditRow[];
  cause: string;
}

export interface Written {
  version: number;
  decided_at: Date | null;
}

// One statement is atomic on its own, so a chunk without a gate needs no transaction: one round trip instead of four.
// The follow-up (notices, card refreshes) is queued through change_outbox: a plain insert here, grouped into jobs by
// the worker's drain (src/queue/drain-changes.ts). A data-modifying CTE runs whether or not it is read.
const WRITE = `
with x as (select * from unnest(?::int[], ?::text[], ?::int[]) as x(id, reason, expected_version)),
u as (
  update clearance c
     set status = ?::text, version = c.version + 1, updated_at = now(),
         decided_by_id = ?::int, decided_by_label = ?::text, decided_at = case when ?::boolean then now() end,
         source = ?::text, reason = x.reason
    from x
   where c.id = x.id and c.status = any(?::text[])
     and (x.expected_version is null or c.version = x.expected_version)
     and not exists (select 1 from clearance r where r.student_id = c.student_id
                     and r.step_key = any(?::text[]) and r.status in ('pending', 'returned'))
  returning c.id, c.version, c.decided_at, c.student_id
),
audit as (
  insert into audit_event (actor_person_id, actor_label, action, outcome, student_id, step_key, detail)
  select ?::int, ?::text, ?::text, a.outcome, a.student_id, ?::text, a.detail
    from (select 'applied' as outcome, u.student_id, d.detail || jsonb_build_object('version', u.version) as detail
            from u join jsonb_to_recordset(?::jsonb) as d(id int, detail jsonb) on d.id = u.id
          union all
          select o.outcome, o.student_id, o.detail from jsonb_to_recordset(?::jsonb) as o(outcome text, student_id int, detail jsonb)) a
),
changed as (
  insert into change_outbox (clearance_id, version, cause) select u.id, u.version, ?::text from u
)
select u.id, u.version, u.decided_at from u`;

/** The rows that won (compare-and-set), by clearance id. */
export async function writeDecisions(em: EntityManager, w: WriteRequest): Promise<Map<number, Written>> {
  const rows = await prepared<{ id: number } & Written>(em, WRITE, [
    pgIntArray(w.candidates.map((c) => c.id)),
    pgTextArray(w.candidates.map((c) => c.reason)),
    pgIntArray(w.candidates.map((c) => c.expectedVersion)),
    w.to,
    w.decider?.personId ?? null,
    w.decider?.label ?? null,
    w.decider !== null,
    w.decider?.source ?? null,
    pgTextArray(w.from),
    pgTextArray(w.required),
    w.audit.actorPersonId,
    w.audit.actorLabel,
    w.audit.action,
    w.audit.stepKey,
    JSON.stringify(w.candidates.map((c) => ({ id: c.id, detail: c.detail }))),
    JSON.stringify(w.otherAudit.map((r) => ({ outcome: r.outcome, student_id: r.studentId, detail: r.detail }))),
    w.cause,
  ]);
  return new Map(rows.map((r) => [r.id, { version: r.version, decided_at: r.decided_at }]));
}
