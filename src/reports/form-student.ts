// The student a supervisor confirmation form link belongs to (the token is the only key: no token, no student).
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Workflow } from '../workflow/schema.ts';
import { onlineConfirmation, type OnlineConfirmation } from './confirmation-code.ts';

export interface FormStudent {
  studentNo: string;
  name: string;
  degree: string | null;
  exitType: string;
  college: string;
  /** the supervisor's online confirmation (导师在线确认), shown instead of a blank signature line */
  confirmed?: OnlineConfirmation | null;
  /** the student's language: an English reader gets the English rendering beside the official Chinese */
  lang: 'zh' | 'en' | null;
}

export async function formStudent(em: EntityManager, token: string, wf?: Workflow): Promise<FormStudent | null> {
  if (!/^[0-9a-f]{64}$/.test(token)) return null;
  const [row] = await em.execute<FormStudent[]>(
    `select s.student_no as "studentNo", s.name, s.degree, s.exit_type as "exitType", c.name as college, p.lang
       from student s join college c on c.id = s.college_id join person p on p.id = s.person_id where s.form_token = ?`,
    [token],
  );
  if (!row) return null;
  const step = wf?.steps.find((x) => x.scope === 'supervisor');
  return { ...row, confirmed: step ? await onlineConfirmation(em, row.studentNo, step.key) : null };
}
