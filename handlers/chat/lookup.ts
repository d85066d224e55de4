// 查 学号: a staff member looks at one student within their scope, with that student's rows on their steps to act on.
import { errorCard, pendingCard, type Card } from '../../cards/index.ts';
import { pendingFor } from '../../src/reports/pending-for.ts';
import type { Identity } from '../../src/people/identify.ts';
import type { Session } from '../session.ts';
import type { Caps, Deps } from '../types.ts';
import { ownUndo, pendingRow } from './todo.ts';
import { ownDecisions } from './undo-command.ts';
import { localDateTime } from '../../src/time.ts';
import { studentStatusCard } from './status.ts';
import { staffCertificateCard } from './certificate.ts';

/** Staff see a student when any of their assignments covers the student's college and campus; a supervisor, their own students. */
async function mayView(s: Session, me: Identity, studentNo: string): Promise<boolean> {
  const [st] = await s.em.execute<{ college_id: number; campus: string | null; supervisor_id: number | null }[]>(
    'select college_id, campus, supervisor_id from student where student_no = ?',
    [studentNo],
  );
  if (!st) return false;
  return me.acting.some(
    (a) =>
      a.role === 'school_admin' ||
      (a.role === 'supervisor' ? a.supervisorId === st.supervisor_id : false) ||
      (a.role !== 'supervisor' &&
        (a.collegeId === null || a.collegeId === st.college_id) &&
        (a.role === 'college_admin' || a.campus === null || a.campus === st.campus)),
  );
}

export async function lookup(deps: Deps, s: Session, me: Identity, studentNo: string, caps: Caps): Promise<Card[]> {
  // The same answer for "no such student" and "not yours": nobody learns who exists outside their scope.
  if (!(await mayView(s, me, studentNo)))
    return [errorCard(`没有找到您负责范围内学号为 ${studentNo} 的学生。`, 'grey')];
  const held = [...new Set(me.acting.filter((a) => a.role === 'handler').map((a) => a.stepKey!))];
  const status = (await studentStatusCard(deps, s, studentNo, held, me.lang ?? 'zh'))!;
  const certificate = await staffCertificateCard(deps, s, studentNo, me.lang ?? 'zh');
  const ids = await s.em.execute<{ id: number }[]>(
    'select c.id from clearance c join student st on st.id = c.student_id where st.student_no = ?',
    [studentNo],
  );
  const { items: mine } = await pendingFor(s.em, deps.wf, me.acting, 1, 50, {
    clearanceIds: ids.map((r) => r.id),
  });
  // Rows this person passed or returned themself show what they did, with 撤销 (a returned row stays open to pass).
  const open = new Set(mine.map((i) => i.clearanceId));
  const own = await ownDecisions(deps, s, me, studentNo);
  const decided = own.filter((i) => !open.has(i.clearanceId));
  // a return of their own stays open to pass once the student has sorted it out, and can be undone beside that
  const returnedByMe = new Map(own.filter((i) => open.has(i.clearanceId)).map((i) => [i.clearanceId, i.version]));
  const first = certificate ? [status, certificate] : [status];
  if (!mine.length && !decided.length) return first;
  return [
    ...first,
    pendingCard({
      staffName: me.name,
      rows: [
        ...mine.map((i) => ({ ...pendingRow(deps, i), undo: returnedByMe.get(i.clearanceId) })),
        ...decided.map((i) => pendingRow(deps, { ...i, status: 'pending' })),
      ],
      results: Object.fromEntries(
        decided.map((i) => [
          i.clearanceId,
          {
            tone: i.status === 'passed' ? ('green' as const) : ('orange' as const),
            text: `${i.status === 'passed' ? '已通过' : '已退回'} · ${i.decidedBy ?? me.name} ${i.decidedAt ? localDateTime(new Date(i.decidedAt), deps.timeZone) : ''}`.trim(),
            ...ownUndo(deps, i, me),
          },
        ]),
      ),
      page: 1,
      pages: 1,
      total: mine.length,
      layout: caps.layout,
    }),
  ];
}
