// Notices for changed clearances: the student hears of each pass, return or hold and of being done; the final office hears a student is ready.
import { certificateCard, changeNotice, readyNotice, type StepChange } from '../../cards/index.ts';
import { changedClearances, holdersOf } from '../../src/reports/changed-clearances.ts';
import { stepName, stepOf, stepTexts } from '../../src/workflow/load.ts';
import { langsOf } from '../../src/people/lang.ts';
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
  const holders = new Map<string, Promise<Map<number, 'zh' | 'en'>>>();
  const now = deps.now?.() ?? new Date();
  const holdersFor = (step: string, collegeId: number, campus: string | null) => {
    const k = `${step}|${collegeId}|${campus ?? ''}`;
    if (!holders.has(k))
      holders.set(
        k,
        holdersOf(em, step, collegeId, campus)
          .then((ids) => recipientsOf(em, ids, now))
          .then((ids) => langsOf(em, ids)),
      );
    return holders.get(k)!;
  };
  const langs = await langsOf(
    em,
    rows.map((r) => r.studentPersonId),
  );
  for (const r of rows) {
    const step = stepOf(deps.wf, r.stepKey);
    if (!step) continue;
    const key = `notice:${r.clearanceId}:v${r.version}`;
    // A student's notice names its change, so that it may wait to be told together with others (the window).
    const about = { clearanceId: r.clearanceId, version: r.version };
    const to = (card: Outgoing['card'], suffix = 'student', personId = r.studentPersonId) =>
      out.push({ personId, card, key: `${key}:${suffix}`, ...(suffix === 'student' ? { about } : {}) });
    const lang = langs.get(r.studentPersonId) ?? 'zh';
    const name = stepName(step, lang);
    if (r.status === 'passed' && r.openSteps.length === 0) {
      // The last step passed: the certificate is issued now and its link goes with the notice.
      const view = await certificateView(deps, em, r.studentNo, r.studentName, lang);
      const issued = view?.status === 'issued' ? view : undefined;
      to(
        certificateCard({
          ...(issued ?? { status: 'unavailable', studentNo: r.studentNo, name: r.studentName, lang }),
          justCompleted: { stepName: name },
        }),
      );
    } else {
      const supervisor = step.scope === 'supervisor';
      const change: StepChange | null =
        r.status === 'passed' && supervisor
          ? {
              kind: 'agreed',
              step: name,
              duties: stepTexts(step, lang).duties.map((d) => d.text),
              open: r.openSteps.length,
            }
          : r.status === 'returned' && supervisor
            ? { kind: 'declined', step: name, reason: r.reason }
            : r.status === 'passed'
              ? { kind: 'passed', step: name, open: r.openSteps.length }
              : r.status === 'returned'
                ? { kind: 'returned', step: name, reason: r.reason }
                : r.status === 'pending' && r.reason
                  ? { kind: 'held', step: name, reason: r.reason, amount: r.amount }
                  : r.status === 'pending' && cause === 'undo'
                    ? { kind: 'undone', step: name }
                    : r.status === 'pending'
                      ? { kind: 'reset', step: name }
                      : null;
      if (change) to(changeNotice(change, lang));
    }
    // A pass that completes what a gated step waits for: tell that step's office the student is ready. The last two
    // steps passing at once both see every step passed (in one job or two): the readiness is named by the versions of
    // the rows it rests on, and claimed once.
    if (r.status === 'passed')
      for (const gated of deps.wf.steps.filter((g) => g.requires.includes(r.stepKey) && r.openSteps.includes(g.key))) {
        if (!gated.requires.every((k) => k in r.settled)) continue;
        const claim = readinessOf(gated.key, r.studentId, gated.requires, r.settled);
        if (ready.has(claim)) continue;
        const people = await holdersFor(gated.key, r.collegeId, r.campus);
        ready.set(
          claim,
          [...people].map(([personId, lang]) => {
            const v = { studentNo: r.studentNo, name: r.studentName, step: stepName(gated, lang) };
            return { personId, card: readyNotice(v, lang), key: `${claim}:${personId}` };
          }),
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
