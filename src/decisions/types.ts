// The vocabulary of decisions: who acts, what they ask, and what each row came to.
import { LixiaoError } from '../errors.ts';
import type { ClearanceStatus, DecisionSource } from '../entities/clearance.ts';
import type { AssignmentScope } from './authorize.ts';
import type { DelegationKind } from '../entities/delegation.ts';
import type { DrawnCopy } from '../delivery/delivered-cards.ts';

/** Someone whose work the actor covers now, with that work's assignments (read with the actor: identify). */
export interface CoveredScope {
  delegationId: number;
  personId: number;
  name: string;
  kind: DelegationKind;
  assignments: AssignmentScope[];
}

export type Decision = 'pass' | 'return' | 'revoke';

export type Actor =
  /** a staff member or admin known by person id (chat, cards, console) */
  | {
      kind: 'person';
      personId: number;
      name: string;
      /** their own assignments, when the caller has just read them (with `covers`); else decide() reads both */
      assignments?: AssignmentScope[];
      /** whom they stand in for now: a row only their work grants is decided as "王五（代 张三）" */
      covers?: CoveredScope[];
    }
  /** another campus system holding a step's API token */
  | { kind: 'api'; stepKey: string; label: string }
  /** an operator at the command line, or an import acting for an office */
  | { kind: 'admin'; label: string };

/** Where the request came from, for the audit trail and spot checks. */
export interface Via {
  platform?: string;
  platformUserId?: string;
  eventId?: string;
  ip?: string;
  requestId?: string;
  file?: string;
}

export interface DecisionItem {
  studentNo: string;
  reason?: string;
  /** The clearance version the card showed; a stale card then changes nothing. */
  expectedVersion?: number;
  /**
   * A pass over a return (退回) undoes it, so it needs intent: this flag, or an expectedVersion (the caller saw the
   * returned row at that version). Without either, a returned row's outcome is `conflict`.
   */
  overReturn?: boolean;
}

/** A row to decide as its caller has just read it (a card tap reads its card's rows anyway). */
export interface KnownTarget {
  clearanceId: number;
  stepKey: string;
  status: string;
  version: number;
  studentId: number;
  collegeId: number;
  campus: string | null;
  /** the student's supervisor (导师), who decides the supervisor step */
  supervisorId?: number | null;
  decidedBy: string | null;
  decidedAt: Date | string | null;
  /** the return's reason, for a `conflict` answer */
  reason?: string | null;
}

export interface DecisionRequest {
  actor: Actor;
  stepKey: string;
  decision: Decision;
  source: DecisionSource;
  items: DecisionItem[];
  via?: Via;
  /**
   * The rows, by student number, as the caller read them from the database moments ago (never values a card or a
   * request carries: college and campus decide who may act): decide() then skips its own read. Used only away from
   * the final gate, where that read is not locked either; the write's compare-and-set catches any change since, as
   * it would after decide()'s own read.
   */
  known?: Map<string, KnownTarget>;
  /**
   * The tapped copy that the answer redraws from rows read before this decision: its write marks it drawn in the same
   * statement (markDrawnByTap's rule), so the copies window does not patch it again with what it already shows.
   */
  redrawn?: DrawnCopy;
  /** the clock, for whom the actor stands in when decide() reads it (tests set it); the database's now without it */
  at?: Date;
}

export type Outcome =
  | 'applied'
  | 'already_decided'
  | 'conflict'
  | 'denied'
  | 'gate_closed'
  | 'unknown_student'
  | 'not_applicable'
  | 'invalid';

export interface RowResult {
  studentNo: string;
  outcome: Outcome;
  clearanceId?: number;
  /** the clearance's state after this request */
  status?: ClearanceStatus;
  version?: number;
  decidedBy?: string | null;
  decidedAt?: string | null;
  /** for gate_closed: the required steps still open */
  openSteps?: string[];
  /** for a revoke refused under a passed final step: the steps whose pass stands on this one (研工办) */
  blockedBy?: string[];
  /** for conflict: the reason of the return that a pass without intent would have undone (decidedBy / decidedAt: who, when) */
  reason?: string | null;
  /** the role under which the actor was allowed (recorded in the audit trail) */
  asRole?: string;
  error?: string;
}

export class DecisionError extends LixiaoError {
  readonly code = 'decision_invalid';
}
