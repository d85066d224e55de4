// 待办 / todo, and paging: the students waiting on this staff member, as a pending card.
import { pendingCard, pageSize, type Card, type PendingRow, type RowOutcome } from '../../cards/index.ts';
import {
  clearanceItems,
  pendingCount,
  pendingFor,
  type ClearanceItem,
  type PendingItem,
} from '../../src/reports/pending-for.ts';
import { localDateTime } from '../../src/time.ts';
import { stepOf } from '../../src/workflow/load.ts';
import type { Identity } from '../../src/people/identify.ts';
import type { Session } from '../session.ts';
import type { Caps, Deps } from '../types.ts';

export function pendingRow(deps: Deps, i: PendingItem): PendingRow {
  return {
    clearanceId: i.clearanceId,
    version: i.version,
    studentNo: i.studentNo,
    name: i.name,
    college: i.college,
    campus: i.campus,
    stepName: stepOf(deps.wf, i.stepKey)?.name ?? i.stepKey,
    state: i.status,
    reason: i.reason,
    amount: i.amount,
  };
}

/**
 * A row passed or returned by the viewer themself carries its 撤销 (on the version it is at now), except the final
 * office's own pass, which ends the clearance. (Once that office has passed, other rows' 撤销 is refused and says so.)
 */
export function ownUndo(deps: Deps, i: ClearanceItem, me: Identity): { undo?: number } {
  const final = i.status === 'passed' && Boolean(stepOf(deps.wf, i.stepKey)?.requires.length);
  return i.decidedById === me.personId && (i.status === 'passed' || i.status === 'returned') && !final
    ? { undo: i.version }
    : {};
}

/** A page of the pending card; `decided` rows (just tapped) come first, showing what happened to them. */
export async function todoCard(
  deps: Deps,
  s: Session,
  me: Identity,
  caps: Caps,
  page = 1,
  decided: { row: PendingRow; result: RowOutcome }[] = [],
): Promise<Card> {
  // The card's real page size for this layout (cards/build/page-size.ts): offsets and "pages" follow what a card holds.
  const size = pageSize(caps.layout);
  let p = Number.isFinite(page) ? Math.min(Math.max(1, Math.floor(page)), 5000) : 1;
  let { items, total } = await pendingFor(s.em, deps.wf, me.acting, p, size);
  if (!items.length && p > 1) {
    p = Math.max(1, Math.ceil(total / size)) || 1;
    ({ items, total } = await pendingFor(s.em, deps.wf, me.acting, p, size));
  }
  const shown = new Set(decided.map((d) => d.row.clearanceId));
  return pendingCard({
    staffName: me.name,
    rows: [
      ...decided.map((d) => d.row),
      ...items.filter((i) => !shown.has(i.clearanceId)).map((i) => pendingRow(deps, i)),
    ],
    results: Object.fromEntries(decided.map((d) => [d.row.clearanceId, d.result])),
    page: p,
    pages: Math.max(1, Math.ceil(total / size)),
    total,
    layout: caps.layout,
  });
}

/**
 * The tapped card again, from its own rows (what it showed, by clearance id): cheap enough for the platform's inline
 * answer however long the list. Rows decided just now carry their result; rows someone else decided say so.
 */
export async function shownCard(
  deps: Deps,
  s: Session,
  me: Identity,
  caps: Caps,
  shown: { page: number; clearanceIds: number[]; known?: Map<number, ClearanceItem> },
  decided: { row: PendingRow; result: RowOutcome }[],
): Promise<Card> {
  const items = shown.known ?? new Map((await clearanceItems(s.em, shown.clearanceIds)).map((i) => [i.clearanceId, i]));
  const now = new Map(decided.map((d) => [d.row.clearanceId, d]));
  const rows: PendingRow[] = [];
  const results: Record<number, RowOutcome> = {};
  for (const id of shown.clearanceIds) {
    const i = items.get(id);
    if (!i) continue;
    const d = now.get(id);
    if (d) {
      rows.push(d.row);
      results[id] = d.result;
    } else if (i.status === 'pending' || i.status === 'returned') {
      rows.push(pendingRow(deps, { ...i, status: i.status }));
    } else {
      rows.push(pendingRow(deps, { ...i, status: 'pending' }));
      const at = i.decidedAt ? localDateTime(new Date(i.decidedAt), deps.timeZone) : '';
      results[id] = {
        ...ownUndo(deps, i, me),
        tone: 'grey',
        text:
          i.status === 'passed'
            ? `已由 ${i.decidedBy ?? '他人'} 于 ${at} 通过`
            : i.status === 'returned'
              ? `已由 ${i.decidedBy ?? '他人'} 于 ${at} 退回`
              : '无需办理',
      };
    }
  }
  // A row decided from elsewhere than this card (a forged or stale value) is told in the toast, not added: the card stays its size.
  const count = () => pendingCount(s.em, deps.wf, me.acting);
  const total = deps.counts ? await deps.counts.get(me.acting, count) : await count();
  return pendingCard({
    staffName: me.name,
    rows,
    results,
    page: shown.page,
    pages: Math.max(1, Math.ceil(total / pageSize(caps.layout))),
    total,
    layout: caps.layout,
  });
}
