// Decisions as one transaction per chunk: authorize, compare-and-set, audit, enqueue. One tap wins.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Workflow } from '../workflow/schema.ts';
import { stepOf } from '../workflow/load.ts';
import type { ClearanceStatus } from '../entities/clearance.ts';
import { activeAssignments } from '../people/active-assignments.ts';
import { pgIntArray, pgTextArray } from '../db/pg-array.ts';
import { authorize, type AssignmentScope } from './authorize.ts';
import { DecisionError, type Decision, type DecisionRequest, type KnownTarget, type RowResult } from './types.ts';
import { insertAudit, type AuditRow } from '../audit/insert-audit.ts';
import { writeDecisions, type Written } from './write-decisions.ts';
import { lockStudents } from './lock-students.ts';
import { prepared } from '../db/prepared.ts';
import { metrics } from '../metrics/metrics.ts';

const CHUNK = 1000;
const MAX_REASON = 500;

/** The states a decision may start from, and the state it leaves. */
const TRANSITIONS: Record<Decision, { from: ClearanceStatus[]; to: ClearanceStatus }> = {
  pass: { from: ['pending', 'returned'], to: 'passed' },
  return: { from: ['pending'], to: 'returned' },
  revoke: { from: ['passed', 'returned'], to: 'pending' },
};

interface TargetRow {
  ord: number;
  student_id: number | null;
  college_id: number;
  campus: string | null;
  clearance_id: number | null;
  status: ClearanceStatus;
  version: number;
  decided_by_label: string | null;
  decided_at: Date | null;
  open_required: string[];
  passed_dependents: string[];
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

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
    // to hold its students' rows from the read of the other steps to that write.
    const { required, dependents } = gateSides(wf, step.key, req.decision);
    const gated = required.length > 0 || dependents.length > 0;
    results.push(
      ...(gated
        ? await em.transactional((tem) => decideChunk(tem as EntityManager, wf, req, items))
        : await decideChunk(em, wf, req, items)),
    );
  }
  metrics.decided(step.key, req.source, results);
  return results;
}

/** The rows to decide, with the state of the steps on the other side of the gate, in the order asked. */
function readTargets(
  em: EntityManager,
  stepKey: string,
  required: string[],
  dependents: string[],
  items: DecisionRequest['items'],
): Promise<TargetRow[]> {
  // unnest of an array, not a JSON recordset: the planner then knows how many rows come in and looks students up by index.
  return prepared<TargetRow>(
    em,
    `select (x.ord - 1)::int as ord, s.id as student_id, s.college_id, s.campus, c.id as clearance_id, c.status, c.version,
            c.decided_by_label, c.decided_at,
            coalesce((select array_agg(r.step_key order by r.step_key) from clearance r
                      where r.student_id = s.id and r.step_key = any(?::text[]) and r.status in ('pending', 'returned')), '{}') as open_required,
            coalesce((select array_agg(r.step_key) from clearance r
                      where r.student_id = s.id and r.step_key = any(?::text[]) and r.status = 'passed'), '{}') as passed_dependents
       from unnest(?::text[]) with ordinality as x(student_no, ord)
       left join student s on s.student_no = x.student_no
       left join clearance c on c.student_id = s.id and c.step_key = ?::text
      order by x.ord`,
    [pgTextArray(required), pgTextArray(dependents), pgTextArray(items.map((it) => it.studentNo)), stepKey],
  );
}

/** A row its caller read (DecisionRequest.known), as readTargets gives it; away from the gate, no step is on its other side. */
function knownTarget(k: KnownTarget, ord: number): TargetRow {
  return {
    ord,
    student_id: k.studentId,
    college_id: k.collegeId,
    campus: k.campus,
    clearance_id: k.clearanceId,
    status: k.status as ClearanceStatus,
    version: k.version,
    decided_by_label: k.decidedBy,
    decided_at: k.decidedAt === null ? null : new Date(k.decidedAt),
    open_required: [],
    passed_dependents: [],
  };
}

async function decideChunk(
  em: EntityManager,
  wf: Workflow,
  req: DecisionRequest,
  items: DecisionRequest['items'],
): Promise<RowResult[]> {
  const step = stepOf(wf, req.stepKey)!;
  const { from, to } = TRANSITIONS[req.decision];
  // A caller that has just identified the person passes their assignments along (read moments ago), saving a query per tap.
  const assignments: AssignmentScope[] =
    req.actor.kind !== 'person' ? [] : (req.actor.assignments ?? (await activeAssignments(em, req.actor.personId)));
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
      : await readTargets(em, step.key, required, dependents, items);

  const results: RowResult[] = items.map((it) => ({ studentNo: it.studentNo, outcome: 'invalid' as const }));
  const audit: AuditRow[] = [];
  const candidates: {
    ord: number;
    id: number;
    reason: string | null;
    expected_version: number | null;
    role: string;
    from: ClearanceStatus;
  }[] = [];
  const baseDetail = { decision: req.decision, source: req.source, ...(req.via ?? {}) };

  const seenClearances = new Set<number>();
  for (const t of targets) {
    const it = items[t.ord]!;
    const r = results[t.ord]!;
    const reason = it.reason?.trim() || null;
    if (t.student_id === null || t.clearance_id === null) {
      Object.assign(r, { outcome: 'unknown_student', error: `no student with number ${it.studentNo}` });
      continue;
    }
    const current = {
      clearanceId: t.clearance_id,
      status: t.status,
      version: t.version,
      decidedBy: t.decided_by_label,
      decidedAt: iso(t.decided_at),
    };
    if (seenClearances.has(t.clearance_id)) {
      Object.assign(r, current, { outcome: 'invalid', error: `student ${it.studentNo} appears twice in this request` });
      continue;
    }
    seenClearances.add(t.clearance_id);
    if (req.decision === 'return' && !reason) {
      Object.assign(r, current, { outcome: 'invalid', error: 'a return needs a reason' });
      continue;
    }
    if (reason && reason.length > MAX_REASON) {
      Object.assign(r, current, { outcome: 'invalid', error: `the reason is longer than ${MAX_REASON} characters` });
      continue;
    }
    if (t.status === 'not_applicable') {
      Object.assign(r, current, { outcome: 'not_applicable', error: `${step.name} does not apply to this student` });
      continue;
    }
    const role = authorize(req.actor, assignments, step, { collegeId: t.college_id, campus: t.campus }, req.decision);
    if (!role) {
      Object.assign(r, current, {
        outcome: 'denied',
        error: `${actorLabel} does not hold ${step.name} for this student`,
      });
      audit.push({ outcome: 'denied', studentId: t.student_id, detail: { ...baseDetail, why: 'not_assigned' } });
      continue;
    }
    if (t.passed_dependents.length) {
      const names = wf.steps.filter((d) => t.passed_dependents.includes(d.key)).map((d) => d.name);
      Object.assign(r, current, {
        outcome: 'invalid',
        error: `${names.join('、')}已通过：请先撤销${names.join('、')}`,
      });
      continue;
    }
    if (!from.includes(t.status)) {
      Object.assign(r, current, { outcome: 'already_decided' });
      continue;
    }
    if (t.open_required.length) {
      const open = wf.steps.filter((s) => t.open_required.includes(s.key));
      Object.assign(r, current, {
        outcome: 'gate_closed',
        openSteps: open.map((s) => s.key),
        error: `${step.name} waits for: ${open.map((s) => s.name).join(', ')}`,
      });
      audit.push({
        outcome: 'denied',
        studentId: t.student_id,
        detail: { ...baseDetail, why: 'gate_closed', open_steps: t.open_required },
      });
      continue;
    }
    candidates.push({
      ord: t.ord,
      id: t.clearance_id,
      reason,
      expected_version: it.expectedVersion ?? null,
      role,
      from: t.status,
    });
  }

  const common = { actorPersonId, actorLabel, action: req.decision, stepKey: step.key };
  const won = candidates.length
    ? await writeDecisions(em, {
        to,
        from,
        required,
        decider: req.decision === 'revoke' ? null : { personId: actorPersonId, label: actorLabel, source: req.source },
        candidates: candidates.map((c) => ({
          id: c.id,
          reason: req.decision === 'revoke' ? null : c.reason,
          expectedVersion: c.expected_version,
          detail: { ...baseDetail, from: c.from, to, as_role: c.role, reason: c.reason },
        })),
        audit: common,
        otherAudit: audit,
        cause: req.decision,
      })
    : new Map<number, Written>();
  if (!candidates.length) await insertAudit(em, common, audit);

  // Losers of a race learn the winner's decision, read after the winner committed.
  const lost = candidates.filter((c) => !won.has(c.id));
  const current = lost.length
    ? await prepared<{
        id: number;
        status: ClearanceStatus;
        version: number;
        decided_by_label: string | null;
        decided_at: Date | null;
      }>(em, 'select id, status, version, decided_by_label, decided_at from clearance where id = any(?::int[])', [
        pgIntArray(lost.map((c) => c.id)),
      ])
    : [];
  const now = new Map(current.map((c) => [c.id, c]));
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
        decidedBy: req.decision === 'revoke' ? null : actorLabel,
        decidedAt: iso(w.decided_at),
      });
    } else {
      const n = now.get(c.id)!;
      Object.assign(r, {
        clearanceId: c.id,
        outcome: 'already_decided',
        status: n.status,
        version: n.version,
        decidedBy: n.decided_by_label,
        decidedAt: iso(n.decided_at),
      });
    }
  }

  return results;
}
