// A college admin's 提醒 button on the digest: the office's handlers for that college get their list card (once a day each).
import { errorCard, noticeCard } from '../../cards/index.ts';
import { deliver, type Delivery } from '../../src/delivery/deliver.ts';
import { pgIntArray } from '../../src/db/pg-array.ts';
import type { Identity } from '../../src/people/identify.ts';
import { localDate } from '../../src/time.ts';
import { stepOf } from '../../src/workflow/load.ts';
import { nudgeHandler } from '../jobs/nudges.ts';
import { recipientsOf } from '../../src/delegations/route.ts';
import type { Session } from '../session.ts';
import type { Deps, Reply } from '../types.ts';

export async function nudgeOffice(deps: Deps, s: Session, me: Identity, stepKey: string): Promise<Reply> {
  const step = stepOf(deps.wf, stepKey);
  const colleges = me.acting.filter((a) => a.role === 'college_admin' && a.collegeId !== null).map((a) => a.collegeId!);
  const school = me.acting.some((a) => a.role === 'school_admin');
  if (!step || (!colleges.length && !school))
    return { card: errorCard('只有学院或学校的管理员可以提醒各环节。'), toast: { tone: 'red', text: '没有提醒' } };
  const holders = await s.em.execute<{ person_id: number }[]>(
    `select distinct person_id from assignment where role = 'handler' and ended_at is null and step_key = ?
        and (?::boolean or college_id is null or college_id = any(?::int[]))`,
    [step.key, school, pgIntArray(colleges)],
  );
  const now = deps.now?.() ?? new Date();
  const today = localDate(now, deps.timeZone);
  // A handler who is away is nudged through their stand-in, whose card holds their students.
  const nudged = await recipientsOf(
    s.em,
    holders.map((h) => h.person_id),
    now,
  );
  // Each handler's nudge slot is claimed in the transaction that queues their card: a send that cannot be queued
  // leaves them to be nudged again, rather than marked nudged with nothing sent.
  const items = await s.em.transactional(async (t) => {
    const em = t;
    const queued: Delivery[] = [];
    for (const personId of nudged) {
      const d = await nudgeHandler(deps, personId, today, `nudge by ${me.name}`, em);
      if (d) queued.push(d);
    }
    await deliver(em, deps.platforms ?? [], queued);
    return queued;
  });
  const text = items.length
    ? `已提醒${step.name}的 ${items.length} 位老师办理。`
    : `${step.name}的老师今天已经收到过提醒，或没有待办理的学生。`;
  return {
    card: noticeCard({ title: `提醒${step.name}`, text, tone: items.length ? 'green' : 'grey' }),
    toast: { tone: items.length ? 'green' : 'blue', text: items.length ? `已提醒 ${items.length} 位` : '今天已提醒过' },
  };
}
