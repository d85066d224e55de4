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

/** A headline that says how many, then the list itself as a detail (WeCom shows 160 characters; the lists can hold 50). */
function listed(blocks: Block[], headline: string, items: string[], sep = '\n'): void {
  if (!items.length) return;
  blocks.push({ kind: 'text', text: `**${headline}**` }, { kind: 'text', text: items.join(sep), detail: true });
}

export function batchPreviewCard(p: BatchPreview): Card {
  const blocks: Block[] = [];
  const held = p.gateClosed ?? [];
  const no = [...p.notYours, ...p.unknown];
  // Numbers that cannot be passed first: they are what the sender has to fix, and WeCom shows the first 160 characters.
  listed(blocks, `查无此学号或不在您负责的范围 ${p.unknown.length} 个：`, p.unknown, '、');
  listed(blocks, `不在您负责的范围 ${p.notYours.length} 个：`, p.notYours, '、');
  listed(
    blocks,
    `不能通过，尚有环节未完成 ${held.length} 人：`,
    held.map((g) => `${g.studentNo} ${g.name}（${g.stepName}）需先完成：${g.waitsFor}`),
  );
  listed(
    blocks,
    `将通过 ${p.willPass.length} 名学生：`,
    p.willPass.map((w) => `${w.studentNo} ${w.name}（${w.stepName}）`),
  );
  listed(
    blocks,
    `无需操作 ${p.alreadyDone.length} 人：`,
    p.alreadyDone.map((d) => `${d.studentNo} ${d.text}`),
  );
  if (p.willPass.length)
    blocks.push({
      kind: 'actions',
      buttons: [{ label: `确认通过 ${p.willPass.length} 人`, style: 'primary', value: confirmValue(p) }],
    });
  else blocks.push({ kind: 'note', text: '没有可以通过的学生。' });
  const summary = `将通过 ${p.willPass.length} 人，${no.length} 个学号无法处理${held.length ? `，${held.length} 人尚有环节未完成` : ''}`;
  return {
    type: 'batch_preview',
    title: '按名单通过（请确认）',
    tone: no.length || held.length ? 'orange' : 'blue',
    summary,
    blocks,
  };
}

export function batchDoneCard(d: BatchDone): Card {
  const blocks: Block[] = [{ kind: 'text', text: `已通过 ${d.passed} 名学生。` }];
  listed(
    blocks,
    `未通过 ${d.notPassed.length} 人：`,
    d.notPassed.map((n) => `${n.studentNo} ${n.text}`),
  );
  listed(blocks, `预览时尚有环节未完成，未办理 ${d.gateClosed?.length ?? 0} 人：`, d.gateClosed ?? [], '、');
  const unknown = d.unknown ?? [];
  // the button carries as many numbers as fit: the rest are counted
  const more = d.unknownTotal && d.unknownTotal > unknown.length ? [`等 ${d.unknownTotal} 个`] : [];
  listed(blocks, `查无此学号或不在您负责的范围 ${d.unknownTotal ?? unknown.length} 个：`, [...unknown, ...more], '、');
  const left = (d.unknownTotal ?? unknown.length) + (d.gateClosed?.length ?? 0);
  return {
    type: 'batch_done',
    title: '按名单通过：已完成',
    tone: d.notPassed.length || left ? 'orange' : 'green',
    summary: `已通过 ${d.passed} 人${left ? `，${left} 个学号未办理` : ''}`,
    blocks,
  };
}
