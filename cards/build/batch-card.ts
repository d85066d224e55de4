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

/** A headline that says how many, then the list itself as a detail (WeCom shows 160 characters; the lists can hold 50). */
function listed(blocks: Block[], headline: string, items: string[], sep = '\n'): void {
  if (!items.length) return;
  blocks.push({ kind: 'text', text: `**${headline}**` }, { kind: 'text', text: items.join(sep), detail: true });
}

export function batchPreviewCard(p: BatchPreview): Card {
  const blocks: Block[] = [];
  const no = [...p.notYours, ...p.unknown];
  // Numbers that cannot be passed first: they are what the sender has to fix, and WeCom shows the first 160 characters.
  listed(blocks, `查无此学号或不在您负责的范围 ${p.unknown.length} 个：`, p.unknown, '、');
  listed(blocks, `不在您负责的范围 ${p.notYours.length} 个：`, p.notYours, '、');
  listed(
    blocks,
    `将通过 ${p.willPass.length} 名学生：`,
    p.willPass.map((s) => `${s.studentNo} ${s.name}（${s.stepName}）`),
  );
  listed(
    blocks,
    `无需操作 ${p.alreadyDone.length} 人：`,
    p.alreadyDone.map((s) => `${s.studentNo} ${s.text}`),
  );
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
  const summary = `将通过 ${p.willPass.length} 人，${no.length} 个学号无法处理`;
  return {
    type: 'batch_preview',
    title: '按名单通过（请确认）',
    tone: no.length ? 'orange' : 'blue',
    summary,
    blocks,
  };
}

export function batchDoneCard(d: BatchDone): Card {
  const blocks: Block[] = [{ kind: 'text', text: `已通过 ${d.passed} 名学生。` }];
  listed(
    blocks,
    `未通过 ${d.notPassed.length} 人：`,
    d.notPassed.map((s) => `${s.studentNo} ${s.text}`),
  );
  return {
    type: 'batch_done',
    title: '按名单通过：已完成',
    tone: d.notPassed.length ? 'orange' : 'green',
    summary: `已通过 ${d.passed} 人`,
    blocks,
  };
}
