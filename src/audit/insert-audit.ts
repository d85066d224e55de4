// Writes audit rows in one statement (a batch of 1,000 decisions is one insert, not 1,000).
import type { EntityManager } from '@mikro-orm/postgresql';
import { prepared } from '../db/prepared.ts';

export interface AuditRow {
  outcome: string;
  studentId: number | null;
  detail: Record<string, unknown>;
}

export interface AuditCommon {
  actorPersonId: number | null;
  actorLabel: string;
  action: string;
  stepKey: string | null;
}

export async function insertAudit(em: EntityManager, common: AuditCommon, rows: AuditRow[]): Promise<void> {
  if (!rows.length) return;
  await prepared(
    em,
    `insert into audit_event (actor_person_id, actor_label, action, outcome, student_id, step_key, detail)
     select ?::int, ?::text, ?::text, x.outcome, x.student_id, ?::text, x.detail
       from jsonb_to_recordset(?::jsonb) as x(outcome text, student_id int, detail jsonb)`,
    [
      common.actorPersonId,
      common.actorLabel,
      common.action,
      common.stepKey,
      JSON.stringify(rows.map((r) => ({ outcome: r.outcome, student_id: r.studentId, detail: r.detail }))),
    ],
  );
}
