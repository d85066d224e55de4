// A chat message: recognise the command (进度, 证明, 待办, 查, 通过, 退回, 暂不同意, 撤销, 代理, 休假, 取消代理, 授权, 取消授权, 帮助, English / 中文) and answer with cards.
import { errorCard, helpCard, unknownPersonCard, type Card } from '../../cards/index.ts';
import { stepName } from '../../src/workflow/load.ts';
import { languageWord, switchLanguage } from './language.ts';
import { openSession, handledSteps } from '../session.ts';
import { stepOf } from '../../src/workflow/load.ts';
import type { Caps, ChatMessage, Deps } from '../types.ts';
import { myStatus } from './status.ts';
import { todoCard } from './todo.ts';
import { lookup } from './lookup.ts';
import { batchPreview } from './batch.ts';
import { returnByChat } from './return-command.ts';
import { undoByChat } from './undo-command.ts';
import { myCertificate } from './certificate.ts';
import { authoriseByChat, cancelAuthorisationByChat } from './authorise.ts';
import { AWAY_WORDS, BACK_WORDS, STAND_IN_WORDS, standInByChat } from './stand-in.ts';

const NUMBER = /^[A-Za-z0-9_-]{1,32}$/;

export async function onMessage(deps: Deps, msg: ChatMessage, caps: Caps): Promise<Card[]> {
  const s = await openSession(deps, msg.who);
  const text = msg.text.trim().replace(/\s+/g, ' ');
  const [word = '', ...rest] = text.split(' ');
  const cmd = word.toLowerCase();
  // Someone we do not know wrote in English: their card leads with English (Feishu carries both either way).
  if (!s.me) return [unknownPersonCard(/^[\x20-\x7e]+$/.test(text) && /[a-z]/i.test(text) ? 'en' : 'zh')];
  const me = s.me;
  const lang = me.lang ?? 'zh';
  // a stand-in with no office of their own is staff while they stand in
  const isStaff = me.acting.length > 0;
  const help = () =>
    helpCard({
      name: me.name,
      isStudent: Boolean(me.student),
      steps: handledSteps(deps, me).map((k) => stepName(stepOf(deps.wf, k)!, lang)),
      lang,
    });

  const switchTo = languageWord(text);
  if (switchTo) return [await switchLanguage(s, me, switchTo)];

  if (['进度', 'status', '我的离校'].includes(cmd)) return [await myStatus(deps, s)];
  if (['证明', 'certificate', '离校证明'].includes(cmd)) return [await myCertificate(deps, s)];
  if (isStaff && ['待办', 'todo'].includes(cmd)) return [await todoCard(deps, s, me, caps, Number(rest[0]) || 1)];
  if (isStaff && (cmd === '查' || cmd.startsWith('查')) && (rest[0] ?? cmd.slice(1)).match(NUMBER))
    return lookup(deps, s, me, rest[0] ?? cmd.slice(1), caps);
  if (isStaff && (cmd === '通过' || cmd === 'pass') && rest.length && rest.every((n) => NUMBER.test(n)))
    return [await batchPreview(deps, s, me, rest)];
  if (cmd === '授权' && rest.length === 1) return [await authoriseByChat(s, me, rest[0]!)];
  if (cmd === '取消授权' && !rest.length) return [await cancelAuthorisationByChat(s, me)];
  // 暂不同意 is a supervisor's word for a return: the same decision, and the reason is the student's to read.
  if (isStaff && ['退回', 'return', '暂不同意'].includes(cmd) && rest.length >= 2 && NUMBER.test(rest[0]!))
    return [await returnByChat(deps, s, me, msg, rest[0]!, rest.slice(1).join(' '))];
  if (isStaff && (cmd === '退回' || cmd === 'return') && rest.length === 1 && NUMBER.test(rest[0]!))
    return [
      errorCard(`退回需要原因，学生会看到它：请发送“退回 ${rest[0]} 原因”，例如“退回 ${rest[0]} 图书未还”。`, 'orange'),
    ];
  if (isStaff && cmd === '暂不同意' && rest.length <= 1)
    return [
      errorCard(
        `暂不同意需要原因，学生会看到它：请发送“暂不同意 ${rest[0] ?? '学号'} 原因”，例如“暂不同意 ${rest[0] ?? '学号'} 课题未移交”。`,
        'orange',
      ),
    ];
  if (isStaff && cmd === '撤销' && rest.length === 1 && NUMBER.test(rest[0]!))
    return [await undoByChat(deps, s, me, msg, rest[0]!)];
  if (isStaff && (BACK_WORDS.includes(cmd) || (cmd === 'standin' && rest.join(' ').toLowerCase() === 'off')))
    return [await standInByChat(deps, s, me, 'back', [])];
  if (isStaff && STAND_IN_WORDS.includes(cmd)) return [await standInByChat(deps, s, me, 'stand_in', rest)];
  if (isStaff && AWAY_WORDS.includes(cmd)) return [await standInByChat(deps, s, me, 'away', rest)];
  return [help()];
}
