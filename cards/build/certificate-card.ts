// The certificate (离校证明) in chat: its link once issued, what is missing before it, or that it was revoked.
import type { Block, Card } from '../model.ts';

export interface CertificateCardView {
  status: 'issued' | 'not_complete' | 'revoked' | 'unavailable';
  studentNo: string;
  name: string;
  /** the printable, verifiable page */
  url?: string;
  /** local date and time of completion */
  completedAt?: string;
  /** names of the steps still open */
  openSteps?: string[];
  revokedAt?: string;
  /** why, in words */
  revokedWhy?: string;
  /** a member of staff looks (查 学号), not the student */
  forStaff?: boolean;
  /** the completion notice: the student's last step has just passed */
  justCompleted?: { stepName: string };
}

const LINK_LABEL = '打开离校证明（可打印，二维码可核验）';

export function certificateCard(v: CertificateCardView): Card {
  const who = v.forStaff ? `${v.name}（${v.studentNo}）的` : '您的';
  const blocks: Block[] = [];
  let summary: string;
  let tone: Card['tone'];
  if (v.status === 'issued') {
    summary = v.justCompleted
      ? `${v.justCompleted.stepName}已通过，您的离校手续已全部办完。`
      : `${who}离校证明已签发，办结于 ${v.completedAt ?? ''}。`;
    tone = 'green';
    blocks.push({ kind: 'text', text: summary });
    if (v.justCompleted) blocks.push({ kind: 'text', text: `离校证明已签发，办结于 ${v.completedAt ?? ''}。` });
    blocks.push({ kind: 'link', label: LINK_LABEL, url: v.url! });
    blocks.push({
      kind: 'note',
      text: '证明上的二维码指向在线核验页；任何环节被撤销，证明随即失效。发送“证明”可再次获取。',
    });
  } else if (v.status === 'unavailable') {
    summary = v.justCompleted
      ? `${v.justCompleted.stepName}已通过，您的离校手续已全部办完。`
      : '离校证明暂时无法签发，请稍后再试。';
    tone = v.justCompleted ? 'green' : 'orange';
    blocks.push({ kind: 'text', text: summary });
    blocks.push({ kind: 'note', text: '离校证明暂时无法签发，请稍后发送“证明”获取。' });
  } else if (v.status === 'revoked') {
    summary = `${who}离校证明已撤销${v.revokedWhy ? `：${v.revokedWhy}` : ''}。`;
    tone = 'red';
    blocks.push({ kind: 'text', text: summary });
    if (v.revokedAt) blocks.push({ kind: 'fields', fields: [{ label: '撤销时间', value: v.revokedAt }] });
    blocks.push({ kind: 'note', text: '重新办完全部手续后，会签发新的离校证明。' });
  } else {
    const open = v.openSteps ?? [];
    summary = `${who}离校手续还有 ${open.length} 项未办完，办完后签发离校证明。`;
    tone = 'grey';
    blocks.push({ kind: 'text', text: summary });
    if (open.length) blocks.push({ kind: 'note', text: `未办完：${open.join('、')}` });
  }
  return {
    type: v.justCompleted ? 'notice' : 'certificate',
    title: v.justCompleted ? '离校手续已全部办完' : v.forStaff ? `离校证明 · ${v.studentNo} ${v.name}` : '离校证明',
    tone,
    summary,
    blocks,
  };
}
