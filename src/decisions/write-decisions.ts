// A chunk's writes as one statement: compare-and-set the clearances, audit them, record the changes for the follow-up.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ClearanceStatus } from '../entities/clearance.ts';
import { prepared } from '../db/prepared.ts';
import { pgIntArray, pgTextArray } from '../db/pg-array.ts';
import type { AuditCommon, AuditRow } from '../audit/insert-audit.ts';
import { ONLY_OWN_DECISIONS_SINCE_DRAWN, type DrawnCopy } from '../delivery/delivered-cards.ts';

export interface Candidate {
  id: number;
  reason: string | null;
  expectedVersion: number | null;
  /** the row may change from `returned` (a pass with intent to undo a return; always true for other decisions) */
  overReturn: boolean;
  /** how this row is signed when not as the decider's label ("王五（代 张三）": decided for someone away) */
  label?: string | null;
  /** the audit detail of the row if it wins, without the version it reaches */
  detail: Record<string, unknown>;
}

export interface WriteRequest {
  to: ClearanceStatus;
  from: ClearanceStatus[];
  /** steps that must be passed or not applicable for a row to change (the final gate), re-checked as the row is written */
  required: string[];
  /** who is recorded as the decider; null for a revoke, which clears the decision */
  decider: { personId: number | null; label: string; source: string } | null;
  candidates: Candidate[];
  audit: AuditCommon;
  /** audit rows that do not depend on the write (denied attempts) */
  otherAudit: AuditRow[];
  cause: string;
  /** the tapped copy whose answer shows these rows: marked drawn in this statement (DecisionRequest.redrawn) */
  redrawn?: DrawnCopy;
}

export interface Written {
  version: number;
  decided_at: Date | null;
}

// One statement is atomic on its own, so a chunk without a gate needs no transaction: one round trip instead of four.
// The tapped copy the answer redraws is marked drawn here too, rather than in a statement of its own: its now() is
// the decisions' decided_at, which the copies window's "decided since drawn" (decided_at > updated_at) then leaves out.
// The follow-up (notices, card refreshes) is queued through change_outbox: a plain insert here, grouped into jobs by
// the worker's drain (src/queue/drain-changes.ts). A data-modifying CTE runs whether or not it is read.
// The rows are locked first, in id order (ORDER BY under FOR NO KEY UPDATE locks in the sorted order), not in the
// order the caller listed them: two batches over the same students in opposite orders then wait for each other
// instead of deadlocking. A required step counts as done only when its row is passed or not_applicable (a step with
// no row yet is open).
const WRITE = `
with x as (select * from unnest(?::int[], ?::text[], ?::int[], ?::boolean[], ?::text[]) as x(id, reason, expected_version, over_return, label)),
l as (select c.id from clearance c where c.id in (select id from x) and c.status = any(?::text[]) order by c.id for no key update of c),
u as (
  update clearance c
     set status = ?::text, version = c.version + 1, updated_at = now(),
         decided_by_id = ?::int, decided_by_label = case when ?::boolean then coalesce(x.label, ?::text) end, decided_at = case when ?::boolean then now() end,
         source = ?::text, reason = x.reason
    from x
   where c.id = x.id and c.id in (select id from l) and c.status = any(?::text[])
     and (x.expected_version is null or c.version = x.expected_version)
     and (c.status <> 'returned' or x.over_return)
     and (select count(*) from clearance r where r.student_id = c.student_id and r.step_key = any(?::text[])
             and r.status in ('passed', 'not_applicable')) = cardinality(?::text[])
  returning c.id, c.version, c.decided_at, c.student_id
),
audit as (
  insert into audit_event (actor_person_id, actor_label, action, outcome, student_id, step_key, detail)
  select ?::int, coalesce(a.label, ?::text), ?::text, a.outcome, a.student_id, ?::text, a.detail
    from (select 'applied' as outcome, u.student_id, d.label, d.detail || jsonb_build_object('version', u.version) as detail
            from u join jsonb_to_recordset(?::jsonb) as d(id int, label text, detail jsonb) on d.id = u.id
          union all
          select o.outcome, o.student_id, null, o.detail from jsonb_to_recordset(?::jsonb) as o(outcome text, student_id int, detail jsonb)) a
),
changed as (
  insert into change_outbox (clearance_id, version, cause) select u.id, u.version, ?::text from u
),
drawn as (
  update delivered_card d set updated_at = now()
   where d.platform = ?::text and d.message_id = ?::text and d.person_id = ?::int and ${ONLY_OWN_DECISIONS_SINCE_DRAWN}
)
select u.id, u.version, u.decided_at from u`;

/** The rows that won (compare-and-set), by clearance id. */
export async function writeDecisions(em: EntityManager, w: WriteRequest): Promise<Map<number, Written>> {
  const rows = await prepared<{ id: number } & Written>(em, WRITE, [
    pgIntArray(w.candidates.map((c) => c.id)),
    pgTextArray(w.candidates.map((c) => c.reason)),
    pgIntArray(w.candidates.map((c) => c.expectedVersion)),
    `{${w.candidates.map((c) => (c.overReturn ? 't' : 'f')).join(',')}}`,
    pgTextArray(w.candidates.map((c) => c.label ?? null)),
    pgTextArray(w.from),
    w.to,
    w.decider?.personId ?? null,
    w.decider !== null,
    w.decider?.label ?? null,
    w.decider !== null,
    w.decider?.source ?? null,
    pgTextArray(w.from),
    pgTextArray(w.required),
    pgTextArray(w.required),
    w.audit.actorPersonId,
    w.audit.actorLabel,
    w.audit.action,
    w.audit.stepKey,
    JSON.stringify(w.candidates.map((c) => ({ id: c.id, label: c.label ?? null, detail: c.detail }))),
    JSON.stringify(w.otherAudit.map((r) => ({ outcome: r.outcome, student_id: r.studentId, detail: r.detail }))),
    w.cause,
    w.redrawn?.platform ?? null,
    w.redrawn?.messageId ?? null,
    w.redrawn?.personId ?? null,
  ]);
  return new Map(rows.map((r) => [r.id, { version: r.version, decided_at: r.decided_at }]));
}
