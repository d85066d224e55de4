// A student's status card: every step in workflow order, and for open steps what to bring, where and whom to call.
import { type Block, type Card, type StepState } from '../model.ts';

export interface StatusStepView {
  key: string;
  name: string;
  office: string;
  state: StepState;
  decidedBy?: string | null;
  decidedAt?: string | null;
  reason?: string | null;
  amount?: string | null;
  duties: string[];
  notes?: string;
  location?: string;
  phones: string[];
  /** names of required steps still open (the final gate) */
  waitsFor?: string[];
  /** the supervisor's online confirmation code, as printed on the 确认书 */
  code?: string;
}

export interface StatusView {
  studentNo: string;
  name: string;
  college: string;
  campus: string | null;
  exitType: string;
  deadline: string | null;
  steps: StatusStepView[];
  /** the supervisor confirmation form (导师准许离校确认书), prefilled */
  formUrl?: string;
}

/** What matters about a step (why it is open, what it waits for), then the details (what to bring, where, whom to call). */
function stepLines(s: StatusStepView): { lines: string[]; more: string[] } {
  if (s.state === 'passed')
    return {
      lines: [],
      more: [[s.decidedBy, s.decidedAt].filter(Boolean).join(' '), s.code ? `确认码：${s.code}` : ''].filter(Boolean),
    };
  if (s.state === 'not_applicable') return { lines: [], more: [] };
  const lines: string[] = [];
  if (s.state === 'returned' && s.reason) lines.push(`退回原因：${s.reason}`);
  if (s.state === 'pending' && s.reason) lines.push(`未通过原因：${s.reason}${s.amount ? `（${s.amount} 元）` : ''}`);
  // What the final step waits for is the other open steps, which the card lists anyway: a detail.
  const more = [...(s.waitsFor?.length ? [`需先完成：${s.waitsFor.join('、')}`] : []), `办理：${s.duties.join('；')}`];
  if (s.location) more.push(`地点：${s.location}`);
  if (s.phones.length) more.push(`电话：${s.phones.join('、')}`);
  return { lines, more };
}

export function statusCard(v: StatusView): Card {
  const open = v.steps.filter((s) => s.state === 'pending' || s.state === 'returned');
  const returned = open.filter((s) => s.state === 'returned').length;
  const blocks: Block[] = [
    {
      kind: 'fields',
      fields: [
        { label: '学号', value: v.studentNo },
        { label: '学院', value: v.college },
        { label: '校区', value: v.campus ?? '未填写' },
        { label: '截止日期', value: v.deadline ?? '未设定' },
      ],
    },
    { kind: 'divider' },
    ...v.steps.map((s): Block => ({ kind: 'step', name: s.name, state: s.state, ...stepLines(s) })),
  ];
  if (v.formUrl && open.some((s) => s.key === 'academic_secretary'))
    blocks.push(
      { kind: 'divider' },
      // 15 characters: WeCom's jump_list title is "建议不超过18个字" (developer.work.weixin.qq.com/document/path/90236).
      { kind: 'link', label: '下载《导师准许学生离校确认书》', url: v.formUrl },
    );
  const summary =
    open.length === 0
      ? '离校手续已全部办完'
      : `还有 ${open.length} 项待办理${returned ? `，其中 ${returned} 项被退回` : ''}`;
  // The summary first: WeCom shows 160 characters of text, and what is left to do is what a student reads the card for.
  blocks.unshift({ kind: 'text', text: `**${summary}。**` });
  if (open.length) blocks.push({ kind: 'note', text: '办完一项，工作人员在系统上标记后这里会更新。', detail: true });
  return {
    type: 'status',
    title: `${v.name} 的离校进度`,
    tone: open.length === 0 ? 'green' : returned ? 'orange' : 'blue',
    summary,
    blocks,
  };
}
