// Passing by list: the dry run of "通过 2021001 2021002 ..." (what would change, what cannot), then one confirm button.
import type { ActionValue, Block, Card } from '../model.ts';

export interface BatchPreview {
  willPass: { studentNo: string; name: string; stepName: string }[];
  unknown: string[];
  notYours: string[];
  alreadyDone: { studentNo: string; text: string }[];
  /** students the final gate would refuse, with the steps still open (e.g. "图书馆、一卡通管理中心") */
  gateClosed?: { studentNo: string; name: string; stepName: string; waitsFor: string }[];
  /** what the confirm button carries back: the previewed rows as clearance.version, comma-separated */
  confirmRef: string;
}

export interface BatchDone {
  passed: number;
  notPassed: { studentNo: string; text: string }[];
  /** the preview's numbers that could not be handled (unknown or not theirs), as far as the button carried them */
  unknown?: string[];
  /** how many there were in the preview, when the button could not carry them all */
  unknownTotal?: number;
  /** the preview's students held at the final gate (not part of the confirm) */
  gateClosed?: string[];
}

/** A platform's button value is small (WeCom: a key of 1,024 bytes); what the preview lists beside the refs fits in this. */
const VALUE_BUDGET = 1000;

/** The confirm button's value: the refs, then as many of the numbers the result card should repeat as fit. */
function confirmValue(p: BatchPreview): ActionValue {
  const value: ActionValue = { a: 'confirm_list', refs: p.confirmRef };
  const fit = (key: string, numbers: string[]) => {
    const kept: string[] = [];
    for (const n of numbers) {
      const trial = { ...value, [key]: [...kept, n].join(',') };
      if (Buffer.byteLength(JSON.stringify(trial)) > VALUE_BUDGET) break;
      kept.push(n);
    }
    if (kept.length) value[key] = kept.join(',');
    return kept.length;
  };
  const unknown = [...p.unknown, ...p.notYours];
  if (fit('u', unknown) < unknown.length) value.un = unknown.length;
  fit(
    'g',
    (p.gateClosed ?? []).map((g) => g.studentNo),
  );
  return value;
}

export function batchPreviewCard(p: BatchPreview): Card {
  const blocks: Block[] = [];
  const held = p.gateClosed ?? [];
  if (p.willPass.length)
    blocks.push({
      kind: 'text',
      text: `**将通过 ${p.willPass.length} 名学生：**\n${p.willPass.map((s) => `${s.studentNo} ${s.name}（${s.stepName}）`).join('\n')}`,
    });
  if (held.length)
    blocks.push({
      kind: 'text',
      text: `**不能通过，尚有环节未完成（${held.length} 人）：**\n${held.map((s) => `${s.studentNo} ${s.name}（${s.stepName}）需先完成：${s.waitsFor}`).join('\n')}`,
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
      buttons: [{ label: `确认通过 ${p.willPass.length} 人`, style: 'primary', value: confirmValue(p) }],
    });
  else blocks.push({ kind: 'note', text: '没有可以通过的学生。' });
  const cannot = p.unknown.length + p.notYours.length;
  const summary = `将通过 ${p.willPass.length} 人，${cannot} 个学号无法处理${held.length ? `，${held.length} 人尚有环节未完成` : ''}`;
  return {
    type: 'batch_preview',
    title: '按名单通过（请确认）',
    tone: cannot || held.length ? 'orange' : 'blue',
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
  if (d.gateClosed?.length)
    blocks.push({ kind: 'text', text: `**预览时尚有环节未完成，未办理：**${d.gateClosed.join('、')}` });
  const unknown = d.unknown ?? [];
  if (unknown.length) {
    const more = d.unknownTotal && d.unknownTotal > unknown.length ? ` 等 ${d.unknownTotal} 个` : '';
    blocks.push({ kind: 'text', text: `**查无此学号或不在您负责的范围：**${unknown.join('、')}${more}` });
  }
  const left = (d.unknownTotal ?? unknown.length) + (d.gateClosed?.length ?? 0);
  return {
    type: 'batch_done',
    title: '按名单通过：已完成',
    tone: d.notPassed.length || left ? 'orange' : 'green',
    summary: `已通过 ${d.passed} 人${left ? `，${left} 个学号未办理` : ''}`,
    blocks,
  };
}
