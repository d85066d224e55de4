// Passing by list: the dry run of "通过 2021001 2021002 ..." (what would change, what cannot), then one confirm button.
import type { Block, Card } from '../model.ts';

export interface BatchPreview {
  willPass: { studentNo: string; name: string; stepName: string }[];
  unknown: string[];
  notYours: string[];
  alreadyDone: { studentNo: string; text: string }[];
  /** what the confirm button carries back: the previewed rows as clearance.version, comma-separated */
  confirmRef: string;
}

export interface BatchDone {
  passed: number;
  notPassed: { studentNo: string; text: string }[];
}

export function batchPreviewCard(p: BatchPreview): Card {
  const blocks: Block[] = [];
  if (p.willPass.length)
    blocks.push({
      kind: 'text',
      text: `**将通过 ${p.willPass.length} 名学生：**\n${p.willPass.map((s) => `${s.studentNo} ${s.name}（${s.stepName}）`).join('\n')}`,
    });
  if (p.alreadyDone.length)
    blocks.push({
      kind: 'text',
      text: `**无需操作：**\n${p.alreadyDone.map((s) => `${s.studentNo} ${s.text}`).join('\n')}`,
    });
  if (p.notYours.length) blocks.push({ kind: 'text', text: `**不在您负责的范围：**${p.notYours.join('、')}` });
  if (p.unknown.length)
    blocks.push({ kind: 'text', text: `**查无此学号或不在您负责的范围：**${p.unknown.join('、')}` });
  if (p.willPass.length)
    blocks.push({
      kind: 'actions',
      buttons: [
        {
          label: `确认通过 ${p.willPass.length} 人`,
          style: 'primary',
          value: { a: 'confirm_list', refs: p.confirmRef },
        },
      ],
    });
  else blocks.push({ kind: 'note', text: '没有可以通过的学生。' });
  const summary = `将通过 ${p.willPass.length} 人，${p.unknown.length + p.notYours.length} 个学号无法处理`;
  return {
    type: 'batch_preview',
    title: '按名单通过（请确认）',
    tone: p.unknown.length || p.notYours.length ? 'orange' : 'blue',
    summary,
    blocks,
  };
}

export function batchDoneCard(d: BatchDone): Card {
  const blocks: Block[] = [{ kind: 'text', text: `已通过 ${d.passed} 名学生。` }];
  if (d.notPassed.length)
    blocks.push({
      kind: 'text',
      text: `**未通过：**\n${d.notPassed.map((s) => `${s.studentNo} ${s.text}`).join('\n')}`,
    });
  return {
    type: 'batch_done',
    title: '按名单通过：已完成',
    tone: d.notPassed.length ? 'orange' : 'green',
    summary: `已通过 ${d.passed} 人`,
    blocks,
  };
}
