// Notices for changed clearances: the student hears of each pass, return or hold and of being done; the final office hears a student is ready.
import { noticeCard } from '../../cards/index.ts';

/** The parts of a notice card (cards/build/message-cards.ts noticeCard). */
export type NoticeCardInput = Parameters<typeof noticeCard>[0];
import { changedClearances, holdersOf, type ChangedClearance } from '../../src/reports/changed-clearances.ts';
import { stepOf } from '../../src/workflow/load.ts';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { ClearanceChange } from '../../src/queue/enqueue.ts';
import type { Deps, Outgoing } from '../types.ts';

/** What a student is told of one changed step, or null when nothing is worth telling (a step no longer applies). */
export function studentNotice(stepName: string, r: ChangedClearance): NoticeCardInput | null {
  if (r.status === 'passed' && r.openSteps.length === 0)
    return { title: '离校手续已全部办完', text: `${stepName}已通过，您的离校手续已全部办完。`, tone: 'green' };
  if (r.status === 'passed')
    return {
      title: `${stepName}：已通过`,
      text: `${stepName}已通过。还有 ${r.openSteps.length} 项待办理。`,
      tone: 'green',
    };
  if (r.status === 'returned')
    return {
      title: `${stepName}：已退回`,
      text: `${stepName}退回了您的离校手续：${r.reason ?? ''}`,
      tone: 'orange',
      lines: ['办好后请再去办理，或联系该部门。'],
    };
  if (r.status === 'pending' && r.reason)
    return {
      title: `${stepName}：暂未通过`,
      text: `${stepName}暂未通过：${r.reason}${r.amount ? `（${r.amount} 元）` : ''}`,
      tone: 'orange',
    };
  if (r.status === 'pending')
    return {
      title: `${stepName}：需重新办理`,
      text: `${stepName}的办理结果已被撤销，请重新办理。`,
      tone: 'orange',
    };
  return null;
}

export async function noticesFor(deps: Deps, changes: ClearanceChange[]): Promise<Outgoing[]> {
  const em = deps.orm.em.fork() as EntityManager;
  // A clearance may appear at several versions (changes are drained in order): the newest named here is the one
  // described, and only while it is still current; a newer change comes with a job of its own.
  const wanted = new Map<number, number>();
  for (const c of changes) wanted.set(c.clearanceId, Math.max(c.version, wanted.get(c.clearanceId) ?? 0));
  const rows = (await changedClearances(em, [...wanted.keys()])).filter((r) => wanted.get(r.clearanceId) === r.version);
  const out: Outgoing[] = [];
  // One lookup per (step, college, campus): a list of 1,000 changes asks about a handful of offices, not 1,000 times.
  const holders = new Map<string, Promise<number[]>>();
  const holdersFor = (step: string, collegeId: number, campus: string | null) => {
    const k = `${step}|${collegeId}|${campus ?? ''}`;
    if (!holders.has(k)) holders.set(k, holdersOf(em, step, collegeId, campus));
    return holders.get(k)!;
  };
  for (const r of rows) {
    const step = stepOf(deps.wf, r.stepKey);
    if (!step) continue;
    const key = `notice:${r.clearanceId}:v${r.version}`;
    const to = (card: Outgoing['card'], suffix = 'student', personId = r.studentPersonId) =>
      out.push({ personId, card, key: `${key}:${suffix}` });
    const told = studentNotice(step.name, r);
    if (told)
      out.push({
        personId: r.studentPersonId,
        card: noticeCard(told),
        key: `${key}:student`,
        about: { clearanceId: r.clearanceId, version: r.version },
      });
    // A pass that completes what a gated step waits for: tell that step's office the student is ready.
    if (r.status === 'passed')
      for (const gated of deps.wf.steps.filter((g) => g.requires.includes(r.stepKey) && r.openSteps.includes(g.key))) {
        if (gated.requires.some((k) => r.openSteps.includes(k))) continue;
        for (const personId of await holdersFor(gated.key, r.collegeId, r.campus))
          to(
            noticeCard({
              title: `可以办理：${r.studentNo} ${r.studentName}`,
              text: `${r.studentName}（${r.studentNo}）的其他环节已全部通过，可以办理${gated.name}。`,
              tone: 'blue',
              lines: ['发送“待办”查看。'],
            }),
            `ready:${personId}`,
            personId,
          );
      }
  }
  return out;
}
