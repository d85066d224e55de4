// Card taps: 通过 / 退回 on a row, 本页全部通过, 通过所选, paging and confirming a list; each answers with the updated card.
import { batchDoneCard, errorCard, unknownPersonCard, type Tone } from '../../cards/index.ts';
import { decide } from '../../src/decisions/decide.ts';
import type { Decision, RowResult } from '../../src/decisions/types.ts';
import { clearanceItems, type ClearanceItem } from '../../src/reports/pending-for.ts';
import { openSession, type Session } from '../session.ts';
import type { Identity } from '../../src/people/identify.ts';
import { ownUndo, todoCard, pendingRow, shownCard } from '../chat/todo.ts';
import { isSupervisorStep, resultText } from './result-text.ts';
import type { Workflow } from '../../src/workflow/schema.ts';
import { nudgeOffice } from './nudge-office.ts';
import { undoMine, undoText, undoToast } from './undo.ts';
import type { Caps, CardTap, Deps, Reply } from '../types.ts';
import { metrics } from '../../src/metrics/metrics.ts';
import { isActionName, type ActionName } from './action-names.ts';

const REF = /^(\d{1,9})\.(\d{1,9})$/;
const NUMBER = /^[A-Za-z0-9_-]{1,32}$/;

/** "12.3,15.1" (clearance id . version the card showed) -> refs; anything malformed is ignored. */
export function parseRefs(values: unknown[]): { id: number; version: number }[] {
  return values.flatMap((v) => {
    const m = REF.exec(String(v));
    return m ? [{ id: Number(m[1]), version: Number(m[2]) }] : [];
  });
}

/** Decides the tapped rows, step by step; `known` are rows already read for this tap (the card's own), the rest are read here. */
async function decideRefs(
  deps: Deps,
  s: Session,
  me: Identity,
  tap: CardTap,
  decision: Decision,
  refs: { id: number; version: number }[],
  reason?: string,
  known = new Map<number, ClearanceItem>(),
) {
  const ids = [...new Set(refs.map((r) => r.id))];
  const missing = ids.filter((id) => !known.has(id));
  const items = [
    ...ids.flatMap((id) => known.get(id) ?? []),
    ...(missing.length ? await clearanceItems(s.em, missing) : []),
  ];
  const results: { item: ClearanceItem; r: RowResult }[] = [];
  for (const stepKey of new Set(items.map((i) => i.stepKey))) {
    const mine = items.filter((i) => i.stepKey === stepKey);
    const rows = await decide(s.em, deps.wf, {
      actor: { kind: 'person', personId: me.personId, name: me.name, assignments: me.assignments, covers: me.covers },
      stepKey,
      decision,
      source: 'card',
      items: mine.map((i) => ({
        studentNo: i.studentNo,
        reason,
        expectedVersion: refs.find((r) => r.id === i.clearanceId)!.version,
      })),
      via: { platform: tap.who.platform, platformUserId: tap.who.userId, eventId: tap.eventId },
      // read moments ago, with the tap's context or just above: decide() need not read them again
      known: new Map(mine.map((i) => [i.studentNo, i])),
      redrawn: tap.shown?.redrawn,
    });
    rows.forEach((r, j) => results.push({ item: mine[j]!, r }));
  }
  deps.counts?.passed(me.acting, results.filter(({ r }) => r.outcome === 'applied' && r.status === 'passed').length);
  return results;
}

/** The toast of a tap on rows that no longer exist. */
export const NO_SUCH_ROW = '卡片上的学生已不在离校名单中';

function toast(wf: Workflow, results: { item: ClearanceItem; r: RowResult }[]): { tone: Tone; text: string } {
  const applied = results.filter((x) => x.r.outcome === 'applied').length;
  // Rows of a purged season, or ids no card ever showed: nothing was decided, which is not a success.
  if (!results.length) return { tone: 'red', text: NO_SUCH_ROW };
  if (results.length === 1) {
    const { r, item } = results[0]!;
    const supervisor = isSupervisorStep(wf, item.stepKey);
    if (r.outcome === 'applied' && r.status === 'passed')
      return { tone: 'green', text: supervisor ? '已同意离校' : '已通过' };
    if (r.outcome === 'applied')
      return { tone: 'green', text: supervisor ? '已记录暂不同意，学生会收到通知' : '已退回，学生会收到通知' };
    if (r.outcome === 'already_decided') return { tone: 'blue', text: `已由 ${r.decidedBy ?? '他人'} 处理过` };
    return { tone: 'red', text: '没有办成，见卡片' };
  }
  const verb = results.every(({ item }) => isSupervisorStep(wf, item.stepKey)) ? '已同意' : '已通过';
  return { tone: applied === results.length ? 'green' : 'orange', text: `${verb} ${applied} / ${results.length} 人` };
}

/** A card tap, counted and timed per platform. */
export const onTap = (deps: Deps, tap: CardTap, caps: Caps, known?: Session): Promise<Reply> =>
  metrics.tap(tap.who.platform, answerTap(deps, tap, caps, known));

async function answerTap(deps: Deps, tap: CardTap, caps: Caps, known?: Session): Promise<Reply> {
  const s = await openSession(deps, tap.who, known);
  if (!s.me) return { card: unknownPersonCard(), toast: { tone: 'red', text: '未找到您的登记信息' } };
  const me = s.me;
  const v = tap.value;
  // the button's values are untrusted JSON: read as text, then validated
  const text = (x: unknown): string => String(x);
  // Rows come from ids on the card, which anyone can forge: only rows the tapper may act on are shown back.
  const visible = (results: Awaited<ReturnType<typeof decideRefs>>) =>
    results.filter(({ r }) => r.outcome !== 'denied' && r.outcome !== 'unknown_student');
  // The tapped card's rows come with the tap's context (or are read here, with any tapped row not on it): its
  // untouched rows are shown back as they were a moment ago.
  const onCard = new Map<number, ClearanceItem>((tap.shown?.items ?? []).map((i) => [i.clearanceId, i]));
  let wrote = false;
  const decideOnCard = async (decision: Decision, refs: { id: number; version: number }[], reason?: string) => {
    const ids = [...new Set([...(tap.shown?.clearanceIds ?? []), ...refs.map((r) => r.id)])].filter(
      (id) => !onCard.has(id),
    );
    for (const i of await clearanceItems(s.em, ids)) onCard.set(i.clearanceId, i);
    const results = await decideRefs(deps, s, me, tap, decision, refs, reason, onCard);
    wrote ||= results.some(({ r }) => r.outcome === 'applied');
    return results;
  };
  const show = async (results: Awaited<ReturnType<typeof decideRefs>>, page = 1): Promise<Reply> => {
    const decided = visible(results).map(({ item, r }) => ({
      row: pendingRow(deps, { ...item, status: 'pending' }),
      // a decision of one's own just made can be undone from the same row
      result: {
        ...resultText(r, deps.wf, deps.timeZone, item.stepKey),
        ...(r.outcome === 'applied'
          ? ownUndo(deps, { ...item, status: r.status!, version: r.version!, decidedById: me.personId }, me)
          : {}),
      },
    }));
    const card = tap.shown
      ? await shownCard(
          deps,
          s,
          me,
          caps,
          { page: tap.shown.page, clearanceIds: tap.shown.clearanceIds, known: onCard.size ? onCard : undefined },
          decided,
        )
      : await todoCard(deps, s, me, caps, page, decided);
    return { card, toast: toast(deps.wf, results) };
  };
  if (!me.acting.length)
    return {
      card: errorCard('只有离校各环节的工作人员可以办理。发送“进度”查看您自己的离校进度。', 'grey'),
      toast: { tone: 'red', text: '不是您负责的' },
    };
  // An action not in the registry is refused; every registered one has its answer (the compiler checks the map).
  const action = v.a;
  if (!isActionName(action)) return { card: errorCard('这张卡片的按钮无法识别，请发送“待办”重新获取。') };
  const reply = await ANSWERS[action]({ deps, s, me, tap, caps, v, text, onCard, decideOnCard, show, visible, action });
  // A decision applied here was written with the mark of the redrawn copy (decide's `redrawn`).
  return tap.shown?.redrawn && wrote ? { ...reply, markedDrawn: true } : reply;
}

/** What every action's answer works with: the tapper, the tap, and the tapped card's rows and helpers. */
interface TapScope {
  deps: Deps;
  s: Session;
  me: Identity;
  tap: CardTap;
  caps: Caps;
  v: CardTap['value'];
  text: (x: unknown) => string;
  onCard: Map<number, ClearanceItem>;
  decideOnCard: (
    decision: Decision,
    refs: { id: number; version: number }[],
    reason?: string,
  ) => ReturnType<typeof decideRefs>;
  show: (results: Awaited<ReturnType<typeof decideRefs>>, page?: number) => Promise<Reply>;
  visible: (results: Awaited<ReturnType<typeof decideRefs>>) => Awaited<ReturnType<typeof decideRefs>>;
  action: ActionName;
}

/** 通过 / 退回 on one row: the card's id and version of the row, and for a return the reason typed into the card. */
async function decideRow({ deps, v, text, tap, action, show, decideOnCard, onCard }: TapScope): Promise<Reply> {
  const refs = parseRefs([`${text(v.c)}.${text(v.v)}`]);
  if (!refs.length) return { card: errorCard('这张卡片的内容无法识别，请发送“待办”重新获取。') };
  const reason = tap.input?.reason?.trim();
  if (action === 'return' && !reason) {
    const word = isSupervisorStep(deps.wf, onCard.get(refs[0]!.id)?.stepKey) ? '暂不同意' : '退回';
    return {
      card: errorCard(`${word}需要原因：请发送“${word} 学号 原因”，原因会告诉学生。`, 'orange'),
      toast: { tone: 'orange', text: `${word}需要填写原因` },
    };
  }
  return show(await decideOnCard(action === 'return' ? 'return' : 'pass', refs, reason));
}

/** The preview's exact rows and versions: anything that changed since (another staff member returned it) is left alone. */
async function confirmList({ deps, s, me, tap, v, text, visible }: TapScope): Promise<Reply> {
  const results = await decideRefs(deps, s, me, tap, 'pass', parseRefs(text(v.refs ?? '').split(',')).slice(0, 50));
  const notPassed = visible(results)
    .filter((x) => x.r.outcome !== 'applied')
    .map((x) => ({ studentNo: x.item.studentNo, text: resultText(x.r, deps.wf, deps.timeZone).text }));
  const passed = results.filter((x) => x.r.outcome === 'applied').length;
  const said = results.length
    ? { tone: notPassed.length || !passed ? ('orange' as const) : ('green' as const), text: `已通过 ${passed} 人` }
    : { tone: 'red' as const, text: NO_SUCH_ROW };
  // The preview's numbers that could not be handled, carried by the button (untrusted: only shown back to this person).
  const numbers = (key: string) =>
    text(v[key] ?? '')
      .split(',')
      .filter((n) => NUMBER.test(n))
      .slice(0, 50);
  const unknown = numbers('u');
  const unknownTotal = Math.min(Math.max(Number(v.un) || 0, unknown.length), 50);
  return {
    card: batchDoneCard({ passed, notPassed, unknown, unknownTotal, gateClosed: numbers('g') }),
    toast: said,
  };
}

/** 撤销 of one's own decision on a row, then the card again from its rows as they are now. */
async function undoRow({ deps, s, me, tap, caps, v, text, onCard }: TapScope): Promise<Reply> {
  const [ref] = parseRefs([`${text(v.c)}.${text(v.v)}`]);
  if (!ref) return { card: errorCard('这张卡片的内容无法识别，请发送“待办”重新获取。') };
  const u = await undoMine(deps, s, me, tap.who, ref.id, ref.version, tap.eventId);
  if (u.outcome === 'unknown') return { card: await todoCard(deps, s, me, caps), toast: undoToast(u, deps) };
  // An undone row is open again, with 通过 / 退回 on its new version.
  const ids = [...new Set([...(tap.shown?.clearanceIds ?? []), ref.id])].filter(
    (id) => id === ref.id || !onCard.has(id),
  );
  for (const i of await clearanceItems(s.em, ids)) onCard.set(i.clearanceId, i);
  const item = onCard.get(ref.id)!;
  const decided =
    u.outcome === 'applied'
      ? []
      : [{ row: pendingRow(deps, { ...item, status: 'pending' }), result: undoText(u, deps) }];
  const card = tap.shown
    ? await shownCard(
        deps,
        s,
        me,
        caps,
        { page: tap.shown.page, clearanceIds: tap.shown.clearanceIds, known: onCard },
        decided,
      )
    : await todoCard(deps, s, me, caps, 1, decided);
  return { card, toast: undoToast(u, deps) };
}

/** The answer to each card action (ACTIONS in action-names.ts): registering an action is giving it an answer here. */
const ANSWERS: Record<ActionName, (x: TapScope) => Promise<Reply>> = {
  page: async ({ deps, s, me, caps, v }) => ({ card: await todoCard(deps, s, me, caps, Number(v.p) || 1) }),
  pass: decideRow,
  return: decideRow,
  pass_page: async ({ v, text, show, decideOnCard }) =>
    show(await decideOnCard('pass', parseRefs(text(v.ids ?? '').split(',')).slice(0, 50))),
  pass_selected: async ({ deps, s, me, caps, tap, show, decideOnCard }) => {
    const refs = parseRefs(tap.selected ?? []).slice(0, 50);
    if (!refs.length)
      return { card: await todoCard(deps, s, me, caps), toast: { tone: 'orange', text: '请先勾选学生' } };
    return show(await decideOnCard('pass', refs));
  },
  confirm_list: confirmList,
  undo: undoRow,
  nudge: ({ deps, s, me, v, text }) => nudgeOffice(deps, s, me, text(v.step ?? '')),
};
