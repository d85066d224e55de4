// Small cards: help, "how to get registered", errors, and the notices sent when something changes.
import type { Block, Card, Tone } from '../model.ts';
import { clip } from './pending-rows.ts';

export function helpCard(who: { name: string; isStudent: boolean; steps: string[] }): Card {
  const blocks: Block[] = [];
  if (who.isStudent)
    blocks.push(
      { kind: 'text', text: '**进度**（或 status、我的离校）：查看自己每个离校环节的状态、地点和电话。' },
      { kind: 'text', text: '**证明**（或 certificate）：全部办完后，获取可打印、可扫码核验的离校证明。' },
    );
  if (who.steps.length)
    blocks.push({
      kind: 'text',
      text: [
        `您负责：${who.steps.join('、')}`,
        '**待办**（todo）：等您办理的学生，可通过、退回或整页通过。',
        '**查 学号**：一名学生的进度，可在卡片上办理。',
        '**通过 学号 …**：按名单通过（先预览再确认）。',
        '**退回 学号 原因**：退回并告诉学生原因。',
        '**撤销 学号**：撤销自己的通过或退回（研工办通过前）。',
      ].join('\n'),
    });
  if (who.steps.length)
    // a detail: WeCom's 160 characters go to the daily words above
    blocks.push({
      kind: 'text',
      text: '**代理 姓名 到 2026-08-31**：休假时请同事代办，**取消代理**提前结束；**休假 到 日期**：不指定代理。',
      detail: true,
    });
  blocks.push({ kind: 'text', text: '**帮助**（或 help）：显示本说明。' });
  return { type: 'help', title: '离校助手怎么用', tone: 'blue', summary: '可用的命令', blocks };
}

export function unknownPersonCard(): Card {
  return {
    type: 'unknown_person',
    title: '还没有您的登记信息',
    tone: 'grey',
    summary: '未找到您的登记信息',
    blocks: [
      { kind: 'text', text: '离校助手只为本届离校的研究生和各环节的工作人员服务，目前没有找到与您的账号对应的记录。' },
      {
        kind: 'text',
        text: '**学生**：请联系学院研究生教务秘书，确认学校导入的名单中有您，并登记了您的企业微信 / 飞书账号或邮箱。\n**工作人员**：请按“工作人员变更申请表”在研究生院登记。',
      },
    ],
  };
}

export function errorCard(message: string, tone: Tone = 'red'): Card {
  return { type: 'error', title: '没有办成', tone, summary: message, blocks: [{ kind: 'text', text: message }] };
}

/** WeCom shows a card's summary as its description: "建议不超过44个字" (developer.work.weixin.qq.com/document/path/90236). */
const SUMMARY_CHARS = 44;

/**
 * `summary`: the line a chat list and WeCom's description show; the text itself by default, cut to fit. `hint`: the
 * closing note, a student's by default; null for none (a notice to staff says what to send in its lines).
 */
export function noticeCard(n: {
  title: string;
  text: string;
  tone: Tone;
  lines?: string[];
  summary?: string;
  hint?: string | null;
}): Card {
  const blocks: Block[] = [{ kind: 'text', text: n.text }];
  if (n.lines?.length) blocks.push({ kind: 'note', text: n.lines.join('\n') });
  const hint = n.hint === undefined ? '发送“进度”查看全部环节。' : n.hint;
  if (hint) blocks.push({ kind: 'note', text: hint });
  return { type: 'notice', title: n.title, tone: n.tone, summary: clip(n.summary ?? n.text, SUMMARY_CHARS), blocks };
}
