// A staff member's pending card: students waiting on their steps, a page at a time, with 通过 / 退回 and "pass this page".
import type { Block, Button, Card } from '../model.ts';
import { clip, optionLabel, ref, rowBlock, type PendingRow, type RowOutcome } from './pending-rows.ts';
import { fitsFeishu, largestFitting, MAX_PAGE, MAX_RESULTS, type Layout } from './page-size.ts';

export type { PendingRow, RowOutcome } from './pending-rows.ts';

export interface PendingView {
  staffName: string;
  rows: PendingRow[];
  page: number;
  pages: number;
  total: number;
  /** after a tap: what happened to a row, by clearance id; `undo` is the version a 撤销 of the viewer's own decision acts on */
  results?: Record<number, RowOutcome>;
  /** platforms with few buttons per card (WeCom: 6) get checkboxes and one submit instead */
  layout: Layout;
}

/** What the checklist layout is for: platforms with few buttons per card (WeCom: 6 per card, https://developer.work.weixin.qq.com/document/path/90236). */
const FEW_BUTTONS = 6;

/** WeCom's main_title: "一级标题，建议不超过36个字", "标题辅助信息，建议不超过44个字" (developer.work.weixin.qq.com/document/path/90236). */
const TITLE_CHARS = 36;
const DESC_CHARS = 44;

function paging(v: PendingView): Button[] {
  const b: Button[] = [];
  if (v.page > 1) b.push({ label: '上一页', style: 'default', value: { a: 'page', p: v.page - 1 } });
  if (v.page < v.pages) b.push({ label: '下一页', style: 'default', value: { a: 'page', p: v.page + 1 } });
  return b;
}

/**
 * The rows a page really shows: at most a page of open rows (a handler may pass more), and as many rows decided just
 * now as still fit; `shows`, 本页全部通过 and the checkboxes are all built from these, never from the rows asked for.
 */
function shownRows(
  v: PendingView,
  openMax: number,
  decidedMax: number,
): { rows: PendingRow[]; open: PendingRow[]; hiddenResults: number } {
  const rows: PendingRow[] = [];
  let open = 0;
  let decided = 0;
  let hiddenResults = 0;
  for (const r of v.rows) {
    if (v.results?.[r.clearanceId]) {
      if (decided < decidedMax) {
        rows.push(r);
        decided++;
      } else hiddenResults++;
    } else if (open < openMax) {
      rows.push(r);
      open++;
    }
  }
  return { rows, open: rows.filter((r) => !v.results?.[r.clearanceId]), hiddenResults };
}

/**
 * What the card shows, for redrawing its copies: the open rows it lists and every row decided just now, listed or only
 * counted (a copy whose count names a student is redrawn when that student changes again).
 */
function shows(v: PendingView, open: PendingRow[]): { page: number; clearanceIds: number[] } {
  const kept = new Set(open.map((r) => r.clearanceId));
  return {
    page: v.page,
    clearanceIds: v.rows.filter((r) => kept.has(r.clearanceId) || v.results?.[r.clearanceId]).map((r) => r.clearanceId),
  };
}

function checklistCard(v: PendingView, open: PendingRow[]): Card {
  // A checkbox card (WeCom vote_interaction) shows a title, a line and the boxes: paging and returning go in that line, as chat commands.
  const results = Object.values(v.results ?? {});
  const failed = results.filter((r) => r.tone !== 'green').length;
  const done = results.length
    ? `刚才：${results.length - failed} 人已通过${failed ? `，${failed} 人未办成` : ''}。`
    : '';
  const hints = [
    v.page < v.pages ? `发送“待办 ${v.page + 1}”看下一页` : '',
    '退回发送“退回 学号 原因”',
    results.some((r) => r.undo !== undefined) ? '撤销发送“撤销 学号”' : '',
  ]
    .filter(Boolean)
    .join('；');
  const steps = new Set(open.map((r) => r.stepName));
  return {
    type: 'pending',
    shows: shows(v, open),
    title: clip(`待办理的学生：${v.total} 人（第 ${v.page}/${v.pages} 页）`, TITLE_CHARS),
    tone: 'blue',
    summary: clip(`${done}${hints}`, DESC_CHARS),
    blocks: [
      {
        kind: 'checklist',
        id: `p${v.page}`,
        options: open.map((r) => ({ id: ref(r), label: optionLabel(r, steps.size > 1) })),
        submit: { label: '通过所选', style: 'primary', value: { a: 'pass_selected' } },
      },
    ],
  };
}

export function pendingCard(v: PendingView): Card {
  const openMax = pageSize(v.layout);
  const open = Math.min(openMax, v.rows.filter((r) => !v.results?.[r.clearanceId]).length);
  // WeCom's cards hold no list of results, but a card of one student keeps its decided row for that row's 撤销
  const ownUndo = Object.values(v.results ?? {}).some((r) => r.undo !== undefined);
  const decidedMax = v.layout === 'checklist' && open <= 1 && ownUndo ? 1 : resultsShown(v.layout, open);
  const card = build(v, openMax, decidedMax);
  // 撤销 beside 通过 / 退回 on a row one returned oneself is a convenience the page size does not reserve room for: a page
  // of such rows says how in words instead (撤销 学号) rather than grow past what Feishu accepts.
  if (v.layout === 'buttons' && v.rows.some((r) => r.undo !== undefined) && !fitsFeishu(card))
    return build(v, openMax, decidedMax, false);
  return card;
}

function build(v: PendingView, openMax: number, decidedMax: number, openUndo = true): Card {
  const { rows, open, hiddenResults } = shownRows(v, openMax, decidedMax);
  const summary = v.total === 0 ? '没有待办理的学生' : `${v.total} 名学生待办理（第 ${v.page}/${v.pages} 页）`;
  if (v.layout === 'checklist' && open.length > 1) return checklistCard(v, open);
  const result = (r: PendingRow): RowOutcome | undefined => {
    const x = v.results?.[r.clearanceId];
    return x && { ...x, text: clip(x.text, 40) };
  };
  // On a platform with few buttons (a bare list of labels, WeCom) one 撤销 at most, within what the open rows and paging
  // leave, so that which row it undoes is never a guess; the rest say how in words.
  let spare =
    v.layout === 'checklist' ? Math.min(1, FEW_BUTTONS - 2 * open.length - paging(v).length) : Number.POSITIVE_INFINITY;
  let untold = false;
  const rowBlocks = rows.map((r) => {
    const outcome = result(r);
    const wants = (outcome ? outcome.undo : r.undo) !== undefined;
    const allowed = outcome !== undefined || openUndo;
    const fits = wants && allowed && spare > 0;
    if (fits) spare--;
    else if (wants) untold = true;
    const block = rowBlock(r, outcome, fits, v.layout === 'checklist');
    // WeCom's text holds 160 characters: a row decided just now is its name and result, the open row keeps its details
    return v.layout === 'checklist' && outcome && block.kind === 'row' ? { ...block, lines: [] } : block;
  });
  const blocks: Block[] = [
    { kind: 'text', text: `${clip(v.staffName, 16)}，您好。${summary}。` },
    ...rowBlocks,
    ...(untold ? [{ kind: 'note' as const, text: '撤销请发送“撤销 学号”。' }] : []),
  ];
  if (hiddenResults) {
    // WeCom's text holds no list of results (160 characters): the count says it, as on its checkbox card.
    const hidden = `另有 ${hiddenResults} 名刚办理的学生未列出。`;
    const failed = Object.values(v.results ?? {}).filter((r) => r.tone !== 'green').length;
    const done = `刚才：${Object.keys(v.results ?? {}).length - failed} 人已通过${failed ? `，${failed} 人未办成` : ''}。`;
    blocks.push({ kind: 'note', text: v.layout === 'checklist' ? done : hidden });
  }
  const actions: Button[] = [];
  if (v.layout === 'buttons' && open.length > 1)
    actions.push({
      label: '本页全部通过',
      style: 'primary',
      value: { a: 'pass_page', ids: open.map(ref).join(',') },
      confirm: { title: '本页全部通过', text: `确认通过本页 ${open.length} 名学生？` },
    });
  actions.push(...paging(v));
  if (actions.length) blocks.push({ kind: 'actions', buttons: actions });
  return {
    type: 'pending',
    shows: shows(v, open),
    title: '待办理的学生',
    tone: v.total ? 'blue' : 'green',
    summary,
    blocks,
  };
}

/*
 * The page size is the largest number of rows that fits in the worst case: every text of every row at the length
 * pending-rows.ts cuts it to, in characters that cost Feishu the most bytes (an escaped `<` is 5), the largest ids, and
 * every button a page can carry. Paging (the handlers' offsets, "pages") and 本页全部通过 then follow what a card shows.
 */
const WORST = '<'.repeat(64);
function probe(open: number, decided: number): PendingView {
  const row = (i: number): PendingRow => ({
    clearanceId: 999_999_000 + i,
    version: 999_999_999,
    studentNo: WORST,
    name: WORST,
    college: WORST,
    campus: WORST,
    stepName: WORST,
    state: 'pending',
    reason: WORST,
    amount: WORST,
  });
  const rows = Array.from({ length: open + decided }, (_, i) => row(i));
  const results = Object.fromEntries(
    rows
      .slice(0, decided)
      .map((r) => [r.clearanceId, { tone: 'grey', text: WORST, undo: 999_999_999 } satisfies RowOutcome]),
  );
  return {
    staffName: WORST.slice(0, 16),
    rows,
    results,
    page: 99_998,
    pages: 99_999,
    total: 9_999_999,
    layout: 'buttons',
  };
}

const memo = new Map<string, number>();
const once = (key: string, compute: () => number) => memo.get(key) ?? memo.set(key, compute()).get(key)!;

/** Open rows a page shows. WeCom's checklist: 20 options. The buttons layout: as many as fit Feishu (the console shows the same). */
export function pageSize(layout: Layout): number {
  if (layout === 'checklist') return MAX_PAGE;
  return once('page', () =>
    Math.max(
      1,
      largestFitting(MAX_PAGE, (n) => fitsFeishu(build(probe(n, 0), n, 0))),
    ),
  );
}

/**
 * Rows decided just now that a card lists beside `open` open rows (the rest are counted in a note): a decided row is one
 * markdown, so a page whose rows were all just passed lists them all. None on WeCom, whose text holds no list.
 */
export function resultsShown(layout: Layout, open: number): number {
  if (layout === 'checklist') return 0;
  return once(`results${open}`, () => largestFitting(MAX_RESULTS, (k) => fitsFeishu(build(probe(open, k), open, k))));
}
