// A staff member's pending card: students waiting on their steps, a page at a time, with 通过 / 退回 and "pass this page".
import type { Block, Button, Card, Tone } from '../model.ts';

export const PAGE_SIZE = 20;

export interface PendingRow {
  clearanceId: number;
  version: number;
  studentNo: string;
  name: string;
  college: string;
  campus: string | null;
  stepName: string;
  state: 'pending' | 'returned';
  reason?: string | null;
  amount?: string | null;
  /** an open row the viewer returned themself: 撤销 (on this version) beside 通过 / 退回 */
  undo?: number;
}

export interface PendingView {
  staffName: string;
  rows: PendingRow[];
  page: number;
  pages: number;
  total: number;
  /** after a tap: what happened to a row, by clearance id; `undo` is the version a 撤销 of the viewer's own decision acts on */
  results?: Record<number, RowOutcome>;
  /** platforms with few buttons per card (WeCom: 6) get checkboxes and one submit instead */
  layout: 'buttons' | 'checklist';
}

export interface RowOutcome {
  tone: Tone;
  text: string;
  undo?: number;
}

/** What the checklist layout is for: platforms with few buttons per card (WeCom: 6 per card, wecom.md). */
const FEW_BUTTONS = 6;

const ref = (r: PendingRow) => `${r.clearanceId}.${r.version}`;

/** Beside its row the word is enough; in a bare list of buttons (checklist layout: WeCom) it names the student. */
const undoButton = (r: PendingRow, version: number, named: boolean): Button => ({
  label: named ? `撤销 ${r.name}` : '撤销',
  style: 'default',
  value: { a: 'undo', c: r.clearanceId, v: version },
});

/** `undoable`: whether this row's 撤销 fits on the card (a decided row of the viewer's own shows one). */
function rowBlock(r: PendingRow, result?: RowOutcome, undoable = true, named = false): Block {
  const lines = [`${r.college} · ${r.campus ?? '校区未填'} · ${r.stepName}`];
  if (r.state === 'returned') lines.push(`已退回：${r.reason ?? ''}，学生补办后可通过`);
  else if (r.reason) lines.push(`名单原因：${r.reason}${r.amount ? `（${r.amount} 元）` : ''}`);
  const buttons: Button[] = result
    ? result.undo !== undefined && undoable
      ? [undoButton(r, result.undo, named)]
      : []
    : [
        { label: '通过', style: 'primary', value: { a: 'pass', c: r.clearanceId, v: r.version } },
        {
          label: '退回',
          style: 'danger',
          value: { a: 'return', c: r.clearanceId, v: r.version },
          input: { name: 'reason', placeholder: '退回原因（学生会看到）' },
        },
        ...(r.undo !== undefined && undoable ? [undoButton(r, r.undo, named)] : []),
      ];
  return { kind: 'row', id: `r${r.clearanceId}`, title: `${r.studentNo} ${r.name}`, lines, buttons, result };
}

function paging(v: PendingView): Button[] {
  const b: Button[] = [];
  if (v.page > 1) b.push({ label: '上一页', style: 'default', value: { a: 'page', p: v.page - 1 } });
  if (v.page < v.pages) b.push({ label: '下一页', style: 'default', value: { a: 'page', p: v.page + 1 } });
  return b;
}

export function pendingCard(v: PendingView): Card {
  const open = v.rows.filter((r) => !v.results?.[r.clearanceId]);
  const summary = v.total === 0 ? '没有待办理的学生' : `${v.total} 名学生待办理（第 ${v.page}/${v.pages} 页）`;
  if (v.layout === 'checklist' && open.length > 1) {
    // A checkbox card (WeCom vote_interaction) shows a title, a line and the boxes: paging and returning go in that line, as chat commands.
    const results = Object.values(v.results ?? {});
    const done = results.length
      ? `刚才：${results.filter((r) => r.tone === 'green').length} 人已通过${results.some((r) => r.tone !== 'green') ? `，${results.filter((r) => r.tone !== 'green').length} 人未办成（发送“查 学号”看原因）` : ''}。`
      : '';
    const hints = [
      v.page < v.pages ? `发送“待办 ${v.page + 1}”看下一页` : '',
      '退回请发送“退回 学号 原因”',
      results.some((r) => r.undo !== undefined) ? '撤销刚才的办理请发送“撤销 学号”' : '',
    ]
      .filter(Boolean)
      .join('；');
    return {
      type: 'pending',
      shows: { page: v.page, clearanceIds: v.rows.map((r) => r.clearanceId) },
      title: '待办理的学生',
      tone: 'blue',
      summary: `${done}${summary}。${hints}`,
      blocks: [
        {
          kind: 'checklist',
          id: `p${v.page}`,
          options: open.map((r) => ({
            id: ref(r),
            label: `${r.studentNo} ${r.name} · ${r.stepName}${r.state === 'returned' ? '（已退回）' : ''}`,
          })),
          submit: { label: '通过所选', style: 'primary', value: { a: 'pass_selected' } },
        },
      ],
    };
  }
  // On a platform with few buttons (a bare list of labels, WeCom) one 撤销 at most, within what the open rows and paging
  // leave, so that which row it undoes is never a guess; the rest say how in words.
  let spare =
    v.layout === 'checklist' ? Math.min(1, FEW_BUTTONS - 2 * open.length - paging(v).length) : Number.POSITIVE_INFINITY;
  let untold = false;
  const rowBlocks = v.rows.map((r) => {
    const result = v.results?.[r.clearanceId];
    const wants = (result ? result.undo : r.undo) !== undefined;
    const fits = wants && spare > 0;
    if (fits) spare--;
    else if (wants) untold = true;
    return rowBlock(r, result, fits, v.layout === 'checklist');
  });
  const blocks: Block[] = [
    { kind: 'text', text: `${v.staffName}，您好。${summary}。` },
    ...rowBlocks,
    ...(untold ? [{ kind: 'note' as const, text: '撤销请发送“撤销 学号”。' }] : []),
  ];
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
    shows: { page: v.page, clearanceIds: v.rows.map((r) => r.clearanceId) },
    title: '待办理的学生',
    tone: v.total ? 'blue' : 'green',
    summary,
    blocks,
  };
}
