// A decision chunk's audit rows and its follow-up job, written in one statement: one round trip less per tap.
import type { EntityManager } from '@mikro-orm/postgresql';
import { prepared } from '../db/prepared.ts';
import { AUDIT_INSERT_SQL, auditParams, insertAudit, type AuditCommon, type AuditRow } from '../audit/insert-audit.ts';
import { CLEARANCE_CHANGES_SQL, clearanceChangesParams, enqueueClearanceChanges, type ClearanceChange } from '../queue/enqueue.ts';

export async function recordOutcome(em: EntityManager, common: AuditCommon, audit: AuditRow[], changes: ClearanceChange[], cause: string): Promise<void> {
  if (!changes.length) return insertAudit(em, common, audit);
  if (!audit.length) return enqueueClearanceChanges(em, changes, cause);
  // A data-modifying WITH runs to completion whatever the outer select reads.
  await prepared(em, `with audit as (${AUDIT_INSERT_SQL}) ${CLEARANCE_CHANGES_SQL}`, [...auditParams(common, audit), ...clearanceChangesParams(changes, cause)]);
}
