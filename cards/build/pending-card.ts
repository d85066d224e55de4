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
}

export interface PendingView {
  staffName: string;
  rows: PendingRow[];
  page: number;
  pages: number;
  total: number;
  /** after a tap: what happened to a row, by clearance id */
  results?: Record<number, { tone: Tone; text: string }>;
  /** platforms with few buttons per card (WeCom: 6) get checkboxes and one submit instead */
  layout: 'buttons' | 'checklist';
}

const ref = (r: PendingRow) => `${r.clearanceId}.${r.version}`;

function rowBlock(r: PendingRow, result?: { tone: Tone; text: string }): Block {
  const lines = [`${r.college} · ${r.campus ?? '校区未填'} · ${r.stepName}`];
  if (r.state === 'returned') lines.push(`已退回：${r.reason ?? ''}，学生补办后可通过`);
  else if (r.reason) lines.push(`名单原因：${r.reason}${r.amount ? `（${r.amount} 元）` : ''}`);
  const buttons: Button[] = result
    ? []
    : [
        { label: '通过', style: 'primary', value: { a: 'pass', c: r.clearanceId, v: r.version } },
        {
          label: '退回',
          style: 'danger',
          value: { a: 'return', c: r.clearanceId, v: r.version },
          input: { name: 'reason', placeholder: '退回原因（学生会看到）' },
        },
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
    const hints = [v.page < v.pages ? `发送“待办 ${v.page + 1}”看下一页` : '', '退回请发送“退回 学号 原因”']
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
  const blocks: Block[] = [
    { kind: 'text', text: `${v.staffName}，您好。${summary}。` },
    ...v.rows.map((r) => rowBlock(r, v.results?.[r.clearanceId])),
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
