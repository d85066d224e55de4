// 代理 姓名 到 日期 / 休假 到 日期 / 取消代理 / 代理: a staff member names who acts for them while away, or says they are away.
import type { EntityManager } from '@mikro-orm/postgresql';
import { errorCard, noticeCard, type Card } from '../../cards/index.ts';
import { DelegationError, endDelegations, grantDelegation } from '../../src/delegations/delegations.ts';
import { absenceOf } from '../../src/delegations/route.ts';
import { parseUntil } from '../../src/delegations/until.ts';
import { deliver } from '../../src/delivery/deliver.ts';
import { findStaff, PersonLookupError } from '../../src/people/find-person.ts';
import type { Identity } from '../../src/people/identify.ts';
import { localDate } from '../../src/time.ts';
import type { Session } from '../session.ts';
import type { Deps } from '../types.ts';

export const STAND_IN_WORDS = ['代理', 'standin'];
export const AWAY_WORDS = ['休假', 'away'];
export const BACK_WORDS = ['取消代理', '取消休假', 'back'];
const UNTIL = ['到', '至', 'until'];

const USAGE = '请发送“代理 姓名或工号 到 2026-08-31”（含当天），或“休假 到 2026-08-31”（不指定代理）。';

/** The last day a delegation covers, as the sender wrote it. */
const lastDay = (deps: Deps, endsAt: Date | string) =>
  localDate(new Date(new Date(endsAt).getTime() - 1), deps.timeZone);

/** `words` after the command: [who..., 到, date] for 代理, [到, date] for 休假. */
export async function standInByChat(
  deps: Deps,
  s: Session,
  me: Identity,
  command: 'stand_in' | 'away' | 'back',
  words: string[],
): Promise<Card> {
  const now = deps.now?.() ?? new Date();
  if (command === 'stand_in' && !words.length) return status(deps, s, me, now);
  // Only someone with work of their own names a stand-in: a stand-in's cover does not pass on.
  if (!me.assignments.length) return errorCard('只有离校各环节的工作人员和管理员可以指定代理。', 'grey');
  if (command === 'back') return back(s, me, now);
  const cut = words.findIndex((w) => UNTIL.includes(w.toLowerCase()));
  const who = (cut < 0 ? words.slice(0, -1) : words.slice(0, cut)).join(' ');
  const date = cut < 0 ? words.at(-1) : words[cut + 1];
  if (!date || (command === 'stand_in' && !who) || (command === 'away' && who) || cut + 2 < words.length)
    return errorCard(USAGE, 'orange');
  try {
    const until = parseUntil(date, deps.timeZone, now);
    const to = command === 'stand_in' ? await findStaff(s.em, who) : null;
    const id = await grantDelegation(
      s.em,
      {
        fromPersonId: me.personId,
        toPersonId: to?.id ?? null,
        kind: command,
        endsAt: until.endsAt,
        by: me.name,
        byPersonId: me.personId,
      },
      now,
    );
    if (!to)
      return noticeCard({
        title: `休假至 ${until.date}`,
        text: `已记下您休假至 ${until.date}（含当天），没有指定代理：期间不再给您发提醒，学院的日报会说明您的学生无人办理。`,
        tone: 'blue',
        lines: ['发送“代理 姓名 到 日期”指定代理，“取消代理”提前结束。'],
        hint: null,
      });
    await tellStandIn(deps, s.em, id, to.id, me.name, until.date);
    return noticeCard({
      title: `${to.name} 代理您至 ${until.date}`,
      text: `${to.name} 代理您至 ${until.date}（含当天）：期间您的待办学生也在 ${to.name} 的待办中，提醒发给 ${to.name}，办理记为“${to.name}（代 ${me.name}）”。`,
      tone: 'green',
      lines: ['发送“取消代理”提前结束。'],
      hint: null,
    });
  } catch (e) {
    if (e instanceof DelegationError || e instanceof PersonLookupError) return errorCard(e.message, 'orange');
    throw e;
  }
}

async function tellStandIn(deps: Deps, em: EntityManager, id: number, personId: number, from: string, date: string) {
  const card = noticeCard({
    title: `请您代理 ${from}`,
    text: `${from} 请您代理其离校办理至 ${date}（含当天）：${from} 的待办学生会出现在您的“待办”中。`,
    tone: 'blue',
    lines: ['发送“待办”查看。'],
    hint: null,
  });
  await deliver(em, deps.platforms ?? [], [{ personId, card, key: `standin_${id}` }]);
}

async function back(s: Session, me: Identity, now: Date): Promise<Card> {
  const was = await absenceOf(s.em, me.personId, now);
  const ended = await endDelegations(
    s.em,
    { fromPersonId: me.personId, kind: 'stand_in', by: me.name, byPersonId: me.personId },
    now,
  );
  if (!ended) return noticeCard({ title: '没有代理', text: '您现在没有代理，也没有休假。', tone: 'grey', hint: null });
  return noticeCard({
    title: '已取消代理',
    text: was?.to ? `${was.to.name} 不再代理您，您的待办学生回到您的待办中。` : '已取消休假，提醒恢复发给您。',
    tone: 'green',
    hint: null,
  });
}

async function status(deps: Deps, s: Session, me: Identity, now: Date): Promise<Card> {
  const away = await absenceOf(s.em, me.personId, now);
  const lines = [
    ...(away
      ? [
          away.to
            ? `${away.to.name} 代理您至 ${lastDay(deps, away.endsAt)}。`
            : `您休假至 ${lastDay(deps, away.endsAt)}，没有指定代理。`,
        ]
      : []),
    ...me.covers
      .filter((c) => c.kind === 'stand_in')
      .map((c) => `您代理 ${c.name} 至 ${c.endsAt ? lastDay(deps, c.endsAt) : '取消为止'}。`),
  ];
  return noticeCard({
    title: '代理',
    text: lines.length ? lines.join('\n') : '您现在没有代理，也没有代理别人。',
    tone: 'blue',
    lines: [USAGE, '发送“取消代理”提前结束。'],
    hint: null,
  });
}
