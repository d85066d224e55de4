// Notices for changed clearances: the student hears of each pass, return or hold and of being done; the final office hears a student is ready.
import { certificateCard, noticeCard } from '../../cards/index.ts';
import { changedClearances, holdersOf } from '../../src/reports/changed-clearances.ts';
import { stepOf } from '../../src/workflow/load.ts';
import type { ClearanceChange } from '../../src/queue/enqueue.ts';
import type { Deps, Outgoing } from '../types.ts';
import { certificateView } from '../chat/certificate.ts';
import { createHash } from 'node:crypto';
import { claimSlots } from '../../src/jobs/claim.ts';
import { recipientsOf } from '../../src/delegations/route.ts';

/**
 * `cause`: what made the changes (the decision, `undo`, a list), when the caller knows it; it words the notice.
 * `em`: the transaction in which the caller queues the notices, so that a "ready" notice's claim (below) commits with
 * its sends, or not at all.
 */
export async function noticesFor(
  deps: Deps,
  changes: ClearanceChange[],
  cause?: string,
  em = deps.orm.em.fork(),
): Promise<Outgoing[]> {
  // A clearance may appear at several versions (changes are drained in order): the newest named here is the one
  // described, and only while it is still current; a newer change comes with a job of its own.
  const wanted = new Map<number, number>();
  for (const c of changes) wanted.set(c.clearanceId, Math.max(c.version, wanted.get(c.clearanceId) ?? 0));
  const rows = (await changedClearances(em, [...wanted.keys()])).filter((r) => wanted.get(r.clearanceId) === r.version);
  const out: Outgoing[] = [];
  const ready = new Map<string, Outgoing[]>();
  // One lookup per (step, college, campus): a list of 1,000 changes asks about a handful of offices, not 1,000 times.
  // A holder who is away is told through their stand-in (or not at all, with nobody named).
  const holders = new Map<string, Promise<number[]>>();
  const now = deps.now?.() ?? new Date();
  const holdersFor = (step: string, collegeId: number, campus: string | null) => {
    const k = `${step}|${collegeId}|${campus ?? ''}`;
    if (!holders.has(k))
      holders.set(
        k,
        holdersOf(em, step, collegeId, campus).then((ids) => recipientsOf(em, ids, now)),
      );
    return holders.get(k)!;
  };
  for (const r of rows) {
    const step = stepOf(deps.wf, r.stepKey);
    if (!step) continue;
    const key = `notice:${r.clearanceId}:v${r.version}`;
    // A student's notice names its change, so that it may wait to be told together with others (the window).
    const about = { clearanceId: r.clearanceId, version: r.version };
    const to = (card: Outgoing['card'], suffix = 'student', personId = r.studentPersonId) =>
      out.push({ personId, card, key: `${key}:${suffix}`, ...(suffix === 'student' ? { about } : {}) });
    if (r.status === 'passed' && r.openSteps.length === 0) {
      // The last step passed: the certificate is issued now and its link goes with the notice.
      const view = await certificateView(deps, em, r.studentNo, r.studentName);
      const issued = view?.status === 'issued' ? view : undefined;
      to(
        certificateCard({
          ...(issued ?? { status: 'unavailable', studentNo: r.studentNo, name: r.studentName }),
          justCompleted: { stepName: step.name },
        }),
      );
    } else if (r.status === 'passed' && step.scope === 'supervisor') {
      to(
        noticeCard({
          title: `${step.name}：已同意离校`,
          text: `${step.name}已在线确认您可以离校（${step.duties.join('、')}）。还有 ${r.openSteps.length} 项待办理。`,
          tone: 'green',
        }),
      );
    } else if (r.status === 'returned' && step.scope === 'supervisor') {
      to(
        noticeCard({
          title: `${step.name}：暂不同意`,
          text: `${step.name}暂不同意您离校：${r.reason ?? ''}`,
          tone: 'orange',
          lines: ['办好后请联系导师，导师会在离校助手里再确认。'],
        }),
      );
    } else if (r.status === 'passed') {
      to(
        noticeCard({
          title: `${step.name}：已通过`,
          text: `${step.name}已通过。还有 ${r.openSteps.length} 项待办理。`,
          tone: 'green',
        }),
      );
    } else if (r.status === 'returned') {
      to(
        noticeCard({
          title: `${step.name}：已退回`,
          text: `${step.name}退回了您的离校手续：${r.reason ?? ''}`,
          tone: 'orange',
          lines: ['办好后请再去办理，或联系该部门。'],
        }),
      );
    } else if (r.status === 'pending' && r.reason) {
      to(
        noticeCard({
          title: `${step.name}：暂未通过`,
          text: `${step.name}暂未通过：${r.reason}${r.amount ? `（${r.amount} 元）` : ''}`,
          tone: 'orange',
        }),
      );
    } else if (r.status === 'pending' && cause === 'undo') {
      to(
        noticeCard({
          title: `${step.name}：恢复为待办理`,
          text: `${step.name}的办理人撤销了刚才对您的办理结果，该环节恢复为待办理。`,
          tone: 'orange',
          lines: ['如有疑问，请联系该部门。'],
        }),
      );
    } else if (r.status === 'pending') {
      to(
        noticeCard({
          title: `${step.name}：需重新办理`,
          text: `${step.name}的办理结果已被撤销，请重新办理。`,
          tone: 'orange',
        }),
      );
    }
    // A pass that completes what a gated step waits for: tell that step's office the student is ready. The last two
    // steps passing at once both see every step passed (in one job or two): the readiness is named by the versions of
    // the rows it rests on, and claimed once.
    if (r.status === 'passed')
      for (const gated of deps.wf.steps.filter((g) => g.requires.includes(r.stepKey) && r.openSteps.includes(g.key))) {
        if (!gated.requires.every((k) => k in r.settled)) continue;
        const claim = readinessOf(gated.key, r.studentId, gated.requires, r.settled);
        if (ready.has(claim)) continue;
        ready.set(
          claim,
          (await holdersFor(gated.key, r.collegeId, r.campus)).map((personId) => ({
            personId,
            card: noticeCard({
              title: `可以办理：${r.studentNo} ${r.studentName}`,
              text: `${r.studentName}（${r.studentNo}）的其他环节已全部通过，可以办理${gated.name}。`,
              tone: 'blue',
              lines: ['发送“待办”查看。'],
            }),
            key: `${claim}:${personId}`,
          })),
        );
      }
  }
  for (const slot of await claimSlots(em, 'notice:ready', [...ready.keys()], 'notices')) out.push(...ready.get(slot)!);
  return out;
}

/** The moment a student became ready for a gated step: the step, the student, and the versions of what it waits for. */
function readinessOf(gated: string, studentId: number, requires: string[], settled: Record<string, number>): string {
  const versions = [...requires].sort().map((k) => `${k}:${settled[k]}`);
  return `ready:${gated}:${studentId}:${createHash('sha256').update(versions.join(';')).digest('hex').slice(0, 24)}`;
}
