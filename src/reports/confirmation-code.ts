// The short code printed on a 确认书 the supervisor confirmed online, which the academic secretary checks with 查 学号.
import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Eight characters drawn from the student's unguessable form token and the confirmation (the clearance row and its
 * version): a printout cannot be made up without the link, and a confirmation undone and given again gets a new code.
 */
export function confirmationCode(formToken: string, clearanceId: number, version: number): string {
  return createHash('sha256').update(`${formToken}:${clearanceId}:${version}`).digest('hex').slice(0, 8).toUpperCase();
}

export interface OnlineConfirmation {
  by: string;
  at: Date;
  code: string;
}

/** A supervisor step's row as confirmed online (passed by a person, not on paper or by an admin), or null. */
export function confirmedOnline(
  formToken: string,
  row:
    | {
        id: number;
        version: number;
        status: string;
        decided_by_id: number | null;
        decided_by_label: string | null;
        decided_at: Date | string | null;
      }
    | undefined,
): OnlineConfirmation | null {
  if (!row || row.status !== 'passed' || row.decided_by_id === null || !row.decided_at) return null;
  return {
    by: row.decided_by_label ?? '',
    at: new Date(row.decided_at),
    code: confirmationCode(formToken, row.id, row.version),
  };
}

/** The student's supervisor step as confirmed online (not on paper, not by an admin), or null. */
export async function onlineConfirmation(
  em: EntityManager,
  studentNo: string,
  stepKey: string,
): Promise<OnlineConfirmation | null> {
  const [row] = await em.execute<
    {
      form_token: string;
      id: number;
      version: number;
      status: string;
      decided_by_id: number | null;
      decided_by_label: string;
      decided_at: Date;
    }[]
  >(
    `select s.form_token, c.id, c.version, c.status, c.decided_by_id, c.decided_by_label, c.decided_at
       from student s join clearance c on c.student_id = s.id and c.step_key = ?
      where s.student_no = ?`,
    [stepKey, studentNo],
  );
  return row ? confirmedOnline(row.form_token, row) : null;
}
