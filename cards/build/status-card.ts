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

function stepLines(s: StatusStepView): string[] {
  if (s.state === 'passed') return [[s.decidedBy, s.decidedAt].filter(Boolean).join(' ')].filter(Boolean);
  if (s.state === 'not_applicable') return [];
  const lines: string[] = [];
  if (s.state === 'returned' && s.reason) lines.push(`退回原因：${s.reason}`);
  if (s.state === 'pending' && s.reason) lines.push(`未通过原因：${s.reason}${s.amount ? `（${s.amount} 元）` : ''}`);
  if (s.waitsFor?.length) lines.push(`需先完成：${s.waitsFor.join('、')}`);
  lines.push(`办理：${s.duties.join('；')}`);
  if (s.location) lines.push(`地点：${s.location}`);
  if (s.phones.length) lines.push(`电话：${s.phones.join('、')}`);
  return lines;
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
    ...v.steps.map((s): Block => ({ kind: 'step', name: s.name, state: s.state, lines: stepLines(s) })),
  ];
  if (v.formUrl && open.some((s) => s.key === 'academic_secretary'))
    blocks.push(
      { kind: 'divider' },
      { kind: 'link', label: '下载《导师准许学生离校确认书》（已填好姓名学号）', url: v.formUrl },
    );
  const summary =
    open.length === 0
      ? '离校手续已全部办完'
      : `还有 ${open.length} 项待办理${returned ? `，其中 ${returned} 项被退回` : ''}`;
  blocks.push({
    kind: 'note',
    text: open.length ? `${summary}。办完一项，工作人员在系统上标记后这里会更新。` : `${summary}。`,
  });
  return {
    type: 'status',
    title: `${v.name} 的离校进度`,
    tone: open.length === 0 ? 'green' : returned ? 'orange' : 'blue',
    summary,
    blocks,
  };
}
