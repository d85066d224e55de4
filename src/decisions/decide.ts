// Decisions as one transaction per chunk: authorize, compare-and-set, audit, enqueue. One tap wins.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Workflow } from '../workflow/schema.ts';
import { stepOf } from '../workflow/load.ts';
import type { ClearanceStatus } from '../entities/clearance.ts';
import { scopesOf } from './acting-scopes.ts';
import { actingLabel } from '../delegations/delegations.ts';
import { pgIntArray } from '../db/pg-array.ts';
import { conflictOf, iso, judgeRow, TRANSITIONS } from './judge-row.ts';
import { DecisionError, type CoveredScope, type Decision, type DecisionRequest, type RowResult } from './types.ts';
import { insertAudit, type AuditRow } from '../audit/insert-audit.ts';
import { writeDecisions, type Written } from './write-decisions.ts';
import { lockStudents } from './lock-students.ts';
import { prepared } from '../db/prepared.ts';
import { metrics } from '../metrics/metrics.ts';
import { readCommitted, withRetry } from '../db/retry.ts';
import { knownTarget, readTargets } from './read-targets.ts';
import { paperFormFollowUp } from './paper-form.ts';

const CHUNK = 1000;

/**
 * The steps on the other side of a gate from this decision: a pass needs the steps this one waits for (研工办 waits
 * for every other office); a return or revoke re-opens this step under the steps that wait for it.
 */
function gateSides(wf: Workflow, stepKey: string, decision: Decision): { required: string[]; dependents: string[] } {
  const step = stepOf(wf, stepKey)!;
  return decision === 'pass'
    ? { required: step.requires, dependents: [] }
    : { required: [], dependents: wf.steps.filter((d) => d.requires.includes(stepKey)).map((d) => d.key) };
}

export async function decide(em: EntityManager, wf: Workflow, req: DecisionRequest): Promise<RowResult[]> {
  const step = stepOf(wf, req.stepKey);
  if (!step) throw new DecisionError(`unknown step "${req.stepKey}"`);
  const results: RowResult[] = [];
  for (let i = 0; i < req.items.length; i += CHUNK) {
    const items = req.items.slice(i, i + CHUNK);
    // A chunk's writes are one statement (writeDecisions). Only a chunk on either side of a gate needs a transaction,
    // to hold its students' rows from the read of the other steps to that write: at READ COMMITTED, so that the read
    // after the lock sees what the lock's previous holder committed, and retried whole on 40001 / 40P01. Without a
    // transaction each statement is atomic and is retried on its own (decideChunk).
    const { required, dependents } = gateSides(wf, step.key, req.decision);
    const gated = required.length > 0 || dependents.length > 0;
    results.push(
      ...(gated
        ? await readCommitted(em, (t) => decideChunk(t, wf, req, items))
        : await decideChunk(em, wf, req, items)),
    );
  }
  metrics.decided(step.key, req.source, results);
  // The secretary's pass on a signed paper 确认书 settles the supervisor step it stands for (paper-form.ts).
  const paper = await paperFormFollowUp(em, wf, req, results);
  if (paper) await decide(em, wf, paper);
  return results;
}

async function decideChunk(
  em: EntityManager,
  wf: Workflow,
  req: DecisionRequest,
  items: DecisionRequest['items'],
): Promise<RowResult[]> {
  const step = stepOf(wf, req.stepKey)!;
  const { from, to } = TRANSITIONS[req.decision];
  // Outside a transaction, each statement on its own is retried on 40001 / 40P01 (a role whose default isolation is
  // REPEATABLE READ or SERIALIZABLE fails a statement that meets a concurrent change instead of re-reading the row);
  // inside the gate's transaction, the whole transaction is (readCommitted).
  const again = <T>(work: () => Promise<T>) => withRetry(em, work);
  // A caller that has just identified the person passes their assignments and whom they stand in for along (read
  // moments ago, in one select), saving a query per tap.
  const { assignments, standIns } = await scopesOf(em, req, again);
  const actorLabel = req.actor.kind === 'person' ? req.actor.name : req.actor.label;
  const actorPersonId = req.actor.kind === 'person' ? req.actor.personId : null;
  const { required, dependents } = gateSides(wf, step.key, req.decision);

  // Either side of a gate (passing a step that waits for others, re-opening a step others wait for) takes the
  // students' rows first, in id order: two such decisions on one student run one after the other, and the second
  // reads what the first committed. (Locking only the required rows let a revoke and the final pass cross.)
  if (required.length || dependents.length) await lockStudents(em, { numbers: items.map((it) => it.studentNo) });

  const known = required.length || dependents.length ? undefined : req.known;
  const targets =
    known && items.every((it) => known.get(it.studentNo)?.stepKey === step.key)
      ? items.map((it, ord) => knownTarget(known.get(it.studentNo)!, ord))
      : await again(() => readTargets(em, step.key, required, dependents, items));

  const results: RowResult[] = items.map((it) => ({ studentNo: it.studentNo, outcome: 'invalid' as const }));
  const audit: AuditRow[] = [];
  const candidates: {
    ord: number;
    id: number;
    studentId: number;
    reason: string | null;
    expected_version: number | null;
    overReturn: boolean;
    role: string;
    from: ClearanceStatus;
    /** whom the row is decided for, when only a stand-in's cover grants it */
    for: CoveredScope | null;
  }[] = [];
  const baseDetail = { decision: req.decision, source: req.source, ...(req.via ?? {}) };
  // Every refused attempt is written to the audit trail, with why; an unknown number is kept in the detail, as no
  // student row can carry it.
  const seenClearances = new Set<number>();
  for (const t of targets) {
    const it = items[t.ord]!;
    const duplicate = t.clearance_id !== null && seenClearances.has(t.clearance_id);
    if (t.clearance_id !== null) seenClearances.add(t.clearance_id);
    const verdict = judgeRow({
      wf,
      step,
      decision: req.decision,
      actor: req.actor,
      assignments,
      standIns,
      row: t,
      item: it,
      duplicate,
    });
    if (verdict.kind === 'refuse') {
      Object.assign(results[t.ord]!, verdict.result);
      audit.push({
        outcome: verdict.audit.outcome,
        studentId: t.student_id,
        detail: { ...baseDetail, ...verdict.audit.detail },
      });
      continue;
    }
    candidates.push({
      ord: t.ord,
      id: t.clearance_id!,
      studentId: t.student_id!,
      reason: verdict.reason,
      expected_version: it.expectedVersion ?? null,
      overReturn: verdict.overReturn,
      role: verdict.role,
      from: t.status,
      for: verdict.covered,
    });
  }

  const common = { actorPersonId, actorLabel, action: req.decision, stepKey: step.key };
  const won = candidates.length
    ? await again(() =>
        writeDecisions(em, {
          to,
          from,
          required,
          decider:
            req.decision === 'revoke' ? null : { personId: actorPersonId, label: actorLabel, source: req.source },
          candidates: candidates.map((c) => ({
            id: c.id,
            reason: req.decision === 'revoke' ? null : c.reason,
            expectedVersion: c.expected_version,
            overReturn: req.decision !== 'pass' || c.overReturn,
            label: c.for && actingLabel(actorLabel, c.for),
            detail: {
              ...baseDetail,
              from: c.from,
              to,
              as_role: c.role,
              reason: c.reason,
              ...(c.for
                ? { acting_for: { person_id: c.for.personId, name: c.for.name, delegation_id: c.for.delegationId } }
                : {}),
            },
          })),
          audit: common,
          otherAudit: audit,
          cause: req.decision,
          redrawn: req.redrawn,
        }),
      )
    : new Map<number, Written>();
  if (!candidates.length) await again(() => insertAudit(em, common, audit));

  // Losers of a race learn the winner's decision, read after the winner committed.
  const lost = candidates.filter((c) => !won.has(c.id));
  const current = lost.length
    ? await again(() =>
        prepared<{
          id: number;
          status: ClearanceStatus;
          version: number;
          decided_by_label: string | null;
          decided_at: Date | null;
          reason: string | null;
        }>(
          em,
          'select id, status, version, decided_by_label, decided_at, reason from clearance where id = any(?::int[])',
          [pgIntArray(lost.map((c) => c.id))],
        ),
      )
    : [];
  const now = new Map(current.map((c) => [c.id, c]));
  const lostAudit: AuditRow[] = [];
  for (const c of candidates) {
    const r = results[c.ord]!;
    const w = won.get(c.id);
    if (w) {
      Object.assign(r, {
        clearanceId: c.id,
        outcome: 'applied',
        status: to,
        version: w.version,
        asRole: c.role,
        decidedBy: req.decision === 'revoke' ? null : c.for ? actingLabel(actorLabel, c.for) : actorLabel,
        decidedAt: iso(w.decided_at),
      });
      continue;
    }
    const n = now.get(c.id)!;
    Object.assign(r, {
      clearanceId: c.id,
      outcome: 'already_decided',
      status: n.status,
      version: n.version,
      decidedBy: n.decided_by_label,
      decidedAt: iso(n.decided_at),
    });
    // Returned while this pass was on its way, and the pass did not mean to undo a return.
    if (req.decision === 'pass' && n.status === 'returned' && !c.overReturn)
      Object.assign(r, conflictOf(n.decided_by_label, n.decided_at, n.reason));
    lostAudit.push({
      outcome: r.outcome,
      studentId: c.studentId,
      detail: { ...baseDetail, why: r.outcome, status: n.status, version: n.version },
    });
  }
  if (lostAudit.length) await again(() => insertAudit(em, common, lostAudit));

  return results;
}
