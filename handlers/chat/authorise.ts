// 授权 工号或姓名 / 取消授权: a supervisor names someone to confirm for their students (导师授权人), or cancels it.
import { errorCard, noticeCard, type Card } from '../../cards/index.ts';
import { deliver } from '../../src/delivery/deliver.ts';
import type { Deps } from '../types.ts';
import { coversOf, DelegationError, endDelegations, grantDelegation } from '../../src/delegations/delegations.ts';
import type { Identity } from '../../src/people/identify.ts';
import type { Session } from '../session.ts';

/** Whether this person supervises students of their own (not only as someone's authorised person). */
export const supervisesOwn = (me: Identity) => me.assignments.some((a) => a.role === 'supervisor');

/** The line under a supervisor's 待办 greeting: whom they authorised, or whom the viewer confirms for. */
export async function supervisionNote(s: Session, me: Identity): Promise<string | undefined> {
  const forOthers = me.covers.filter((c) => c.assignments.some((a) => a.role === 'supervisor'));
  const lines: string[] = [];
  if (supervisesOwn(me)) {
    const covers = (await coversOf(s.em, me.personId)).filter((c) => c.kind === 'authorised');
    if (covers.length) lines.push(`已授权 ${covers.map((c) => c.name).join('、')} 代为确认（发送“取消授权”可取消）`);
  }
  if (forOthers.length) lines.push(`您可代 ${forOthers.map((c) => c.name).join('、')} 确认其学生离校`);
  return lines.length ? lines.join('；') : undefined;
}

const done = (title: string, text: string): Card => ({
  type: 'notice',
  title,
  tone: 'green',
  summary: text,
  blocks: [{ kind: 'text', text }],
});

/** 授权 工号或姓名: the person is found by staff number (工号), else by a name only one person (not a student) has. */
export async function authoriseByChat(deps: Deps, s: Session, me: Identity, who: string): Promise<Card> {
  if (!supervisesOwn(me)) return errorCard('只有有学生待确认离校的导师可以授权他人。', 'grey');
  const found = await s.em.execute<{ id: number; name: string; staff_no: string | null }[]>(
    `select p.id, p.name, p.staff_no from person p
      where (p.staff_no = ? or (p.name = ? and not exists (select 1 from person q where q.staff_no = ?)))
        and not exists (select 1 from student st where st.person_id = p.id) order by p.id limit 3`,
    [who, who, who],
  );
  if (!found.length) return errorCard(`没有找到工号或姓名为 ${who} 的教职工。请发送“授权 工号”。`, 'orange');
  if (found.length > 1) return errorCard(`有不止一位教职工叫 ${who}：请发送“授权 工号”。`, 'orange');
  const to = found[0]!;
  let id: number;
  try {
    id = await grantDelegation(s.em, {
      fromPersonId: me.personId,
      toPersonId: to.id,
      kind: 'authorised',
      by: me.name,
      byPersonId: me.personId,
    });
  } catch (e) {
    if (e instanceof DelegationError) return errorCard(e.message, 'orange');
    throw e;
  }
  // The authorised person learns it from the bot, not only from the supervisor.
  const card = noticeCard({
    title: `${me.name} 授权您确认学生离校`,
    text: `${me.name} 授权您代为确认其研究生的离校（导师环节），确认记为“${to.name}（受${me.name.slice(0, 1)}老师授权）”，直到其发送“取消授权”。`,
    tone: 'blue',
    lines: ['发送“待办”查看这些学生。'],
    hint: null,
  });
  await deliver(s.em, deps.platforms ?? [], [{ personId: to.id, card, key: `authorised_${id}` }]);
  return done(
    `已授权 ${to.name}`,
    `${to.name}${to.staff_no ? `（${to.staff_no}）` : ''} 现在可以代您确认学生离校，确认记为“${to.name}（受${me.name.slice(0, 1)}老师授权）”。发送“取消授权”可随时取消。`,
  );
}

/** 取消授权: ends the supervisor's authorisation; the authorised person no longer sees the students. */
export async function cancelAuthorisationByChat(s: Session, me: Identity): Promise<Card> {
  if (!supervisesOwn(me)) return errorCard('只有导师可以取消授权。', 'grey');
  const ended = await endDelegations(s.em, {
    fromPersonId: me.personId,
    kind: 'authorised',
    by: me.name,
    byPersonId: me.personId,
  });
  return ended
    ? done('已取消授权', '已取消授权：被授权人不能再代您确认学生离校。')
    : errorCard('您目前没有授权他人。', 'grey');
}
