// One message for everything that happened to a student's steps within the coalescing window.
import type { EntityManager } from '@mikro-orm/postgresql';
import { noticeCard } from '../../cards/index.ts';
import { changedClearances, type ChangedClearance } from '../../src/reports/changed-clearances.ts';
import { stepOf } from '../../src/workflow/load.ts';
import type { Deps, Outgoing } from '../types.ts';
import { studentNotice } from './notices.ts';

/**
 * The student's notice for these changed clearances, told as they are now (a pass revoked within the window is told
 * as the revoke). One change reads as it always did; several become "财务处、校医院 已通过，还有 3 项待办理".
 */
export async function combinedStudentNotice(
  deps: Deps,
  em: EntityManager,
  personId: number,
  changes: { clearanceId: number; version: number }[],
): Promise<Outgoing | null> {
  const order = [...new Set(changes.map((c) => c.clearanceId))];
  const rows = (await changedClearances(em, order)).filter((r) => r.studentPersonId === personId);
  const byId = new Map(rows.map((r) => [r.clearanceId, r]));
  // workflow order reads best: the student's status card lists steps the same way
  const stepIndex = (r: ChangedClearance) => deps.wf.steps.findIndex((s) => s.key === r.stepKey);
  const told = order
    .map((id) => byId.get(id))
    .filter((r): r is ChangedClearance => Boolean(r))
    .sort((a, b) => stepIndex(a) - stepIndex(b))
    .map((r) => ({ r, name: stepOf(deps.wf, r.stepKey)?.name ?? r.stepKey }))
    .map(({ r, name }) => ({ r, name, notice: studentNotice(name, r) }))
    .filter((t) => t.notice);
  if (!told.length) return null;
  const key = `notice:p${personId}:${told.map((t) => `${t.r.clearanceId}v${t.r.version}`).join(',')}`;
  if (told.length === 1) return { personId, card: noticeCard(told[0]!.notice!), key };

  const open = told[0]!.r.openSteps.length; // the same student: every row knows what is still open
  const passed = told.filter((t) => t.r.status === 'passed').map((t) => t.name);
  const others = told.filter((t) => t.r.status !== 'passed').map((t) => t.notice!.text);
  const head = passed.length ? `${passed.join('、')} 已通过` : '离校手续有更新';
  const text = open === 0 ? `${head}，您的离校手续已全部办完。` : `${head}，还有 ${open} 项待办理。`;
  return {
    personId,
    key,
    card: noticeCard({
      title: open === 0 ? '离校手续已全部办完' : `离校进度：${told.length} 项有变化`,
      text,
      tone: others.length ? 'orange' : 'green',
      lines: others,
    }),
  };
}
