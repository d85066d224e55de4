// One message for everything that happened to a student's steps within the coalescing window.
import type { EntityManager } from '@mikro-orm/postgresql';
import { digestNotice } from '../../cards/index.ts';
import { changedClearances } from '../../src/reports/changed-clearances.ts';
import { stepName, stepOf } from '../../src/workflow/load.ts';
import { langsOf } from '../../src/people/lang.ts';
import type { Deps, Outgoing } from '../types.ts';
import { noticesFor } from './notices.ts';

/**
 * The student's notice for these changed clearances, told as they are now (a pass revoked within the window is told
 * as the revoke). One change reads as it always did, and so does the last step passing (it carries the certificate);
 * several become "财务处、校医院 已通过，还有 3 项待办理", with returns and holds listed below.
 */
export async function combinedStudentNotice(
  deps: Deps,
  em: EntityManager,
  personId: number,
  changes: { clearanceId: number; version: number }[],
): Promise<Outgoing | null> {
  const told = (await noticesFor(deps, changes, undefined, em)).filter((n) => n.about && n.personId === personId);
  if (told.length <= 1) return told[0] ?? null;
  const rows = new Map(
    (
      await changedClearances(
        em,
        told.map((n) => n.about!.clearanceId),
      )
    ).map((r) => [r.clearanceId, r]),
  );
  const completed = told.find((n) => rows.get(n.about!.clearanceId)?.openSteps.length === 0);
  if (completed) return completed;
  // workflow order reads best: the student's status card lists steps the same way
  const order = (n: Outgoing) => deps.wf.steps.findIndex((s) => s.key === rows.get(n.about!.clearanceId)?.stepKey);
  const sorted = [...told].sort((a, b) => order(a) - order(b));
  const passed = sorted.filter((n) => rows.get(n.about!.clearanceId)?.status === 'passed');
  const others = sorted.filter((n) => !passed.includes(n)).map((n) => n.card.summary);
  const lang = (await langsOf(em, [personId])).get(personId) ?? 'zh';
  const name = (n: Outgoing) => {
    const key = rows.get(n.about!.clearanceId)?.stepKey ?? '';
    const step = stepOf(deps.wf, key);
    return step ? stepName(step, lang) : key;
  };
  const open = rows.get(told[0]!.about!.clearanceId)?.openSteps.length ?? 0; // one student: every row knows it
  return {
    personId,
    key: `notice:p${personId}:${sorted.map((n) => `${n.about!.clearanceId}v${n.about!.version}`).join(',')}`,
    card: digestNotice({ changes: told.length, passed: passed.map(name), others, open }, lang),
  };
}
