// The chat commands in the order they are tried: the words people write, who may, and what answers. Routing is this list.
import { errorCard, type Card } from '../../cards/index.ts';
import type { Identity } from '../../src/people/identify.ts';
import type { Session } from '../session.ts';
import type { Caps, ChatMessage, Deps } from '../types.ts';
import { languageWord, switchLanguage } from './language.ts';
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

/** A message as a command sees it: its first word (lower case) and the rest, with the person who wrote it. */
export interface ChatContext {
  deps: Deps;
  s: Session;
  me: Identity;
  msg: ChatMessage;
  caps: Caps;
  /** the whole message, spaces collapsed */
  text: string;
  cmd: string;
  rest: string[];
  /** holds a step (their own, a supervisor's students, or someone's they stand in for) */
  isStaff: boolean;
}

export interface ChatCommand {
  /** what people write, as shown in help and the README (the first word is what routes, unless `matches` says) */
  words: readonly string[];
  who: 'student' | 'staff' | 'supervisor' | 'anyone';
  does: string;
  /** whether this command takes the message: by default its first word is one of `words` and `fits` holds */
  matches?: (c: ChatContext) => boolean;
  /** the arguments and the person it needs, beyond the word; a message that does not fit goes on to the next command */
  fits?: (c: ChatContext) => boolean;
  run: (c: ChatContext) => Promise<Card[]>;
}

const firstWords = (words: readonly string[]) => words.map((w) => w.split(' ')[0]!.toLowerCase());
const one = (card: Promise<Card>) => card.then((c) => [c]);

export const commands: readonly ChatCommand[] = [
  {
    words: ['English', '中文', 'language en|zh'],
    who: 'anyone',
    does: 'the language of their own cards and notices (person.lang, audited)',
    matches: (c) => languageWord(c.text) !== null,
    run: (c) => one(switchLanguage(c.s, c.me, languageWord(c.text)!)),
  },
  {
    words: ['进度', 'status', '我的离校'],
    who: 'student',
    does: 'own status card',
    run: (c) => one(myStatus(c.deps, c.s)),
  },
  {
    words: ['证明', 'certificate', '离校证明'],
    who: 'student',
    does: 'own certificate (离校证明) once every step passed',
    run: (c) => one(myCertificate(c.deps, c.s)),
  },
  {
    words: ['待办', 'todo'],
    who: 'staff',
    does: 'pending card of their steps (a supervisor: their students, with the 确认书 five items), 20 a page',
    fits: (c) => c.isStaff,
    run: (c) => one(todoCard(c.deps, c.s, c.me, c.caps, Number(c.rest[0]) || 1)),
  },
  {
    words: ['查 学号'],
    who: 'staff',
    does: "one student's status within their scope, with rows to act on",
    // 查2021… without a space is the same question
    matches: (c) => c.cmd.startsWith('查') && c.isStaff && NUMBER.test(c.rest[0] ?? c.cmd.slice(1)),
    run: (c) => lookup(c.deps, c.s, c.me, c.rest[0] ?? c.cmd.slice(1), c.caps),
  },
  {
    words: ['通过 学号 …', 'pass 学号 …'],
    who: 'staff',
    does: 'dry run of passing a list, then one confirm',
    fits: (c) => c.isStaff && c.rest.length > 0 && c.rest.every((n) => NUMBER.test(n)),
    run: (c) => one(batchPreview(c.deps, c.s, c.me, c.rest)),
  },
  {
    words: ['授权 工号或姓名'],
    who: 'supervisor',
    does: 'authorise someone to confirm for their students',
    fits: (c) => c.rest.length === 1,
    run: (c) => one(authoriseByChat(c.deps, c.s, c.me, c.rest[0]!)),
  },
  {
    words: ['取消授权'],
    who: 'supervisor',
    does: 'end the authorisation',
    fits: (c) => !c.rest.length,
    run: (c) => one(cancelAuthorisationByChat(c.s, c.me)),
  },
  {
    // 暂不同意 is a supervisor's word for a return: the same decision, and the reason is the student's to read.
    words: ['退回 学号 原因', 'return 学号 原因', '暂不同意 学号 原因'],
    who: 'staff',
    does: 'return a student with a reason (a supervisor: 暂不同意); without a reason it asks for one',
    fits: (c) => c.isStaff && c.rest.length >= 2 && NUMBER.test(c.rest[0]!),
    run: (c) => one(returnByChat(c.deps, c.s, c.me, c.msg, c.rest[0]!, c.rest.slice(1).join(' '))),
  },
  {
    words: ['退回 学号', 'return 学号'],
    who: 'staff',
    does: 'asks for the reason the student will read',
    fits: (c) => c.isStaff && c.rest.length === 1 && NUMBER.test(c.rest[0]!),
    run: (c) =>
      Promise.resolve([
        errorCard(
          `退回需要原因，学生会看到它：请发送“退回 ${c.rest[0]} 原因”，例如“退回 ${c.rest[0]} 图书未还”。`,
          'orange',
        ),
      ]),
  },
  {
    words: ['暂不同意', '暂不同意 学号'],
    who: 'supervisor',
    does: 'asks for the reason the student will read',
    fits: (c) => c.isStaff && c.rest.length <= 1,
    run: (c) =>
      Promise.resolve([
        errorCard(
          `暂不同意需要原因，学生会看到它：请发送“暂不同意 ${c.rest[0] ?? '学号'} 原因”，例如“暂不同意 ${c.rest[0] ?? '学号'} 课题未移交”。`,
          'orange',
        ),
      ]),
  },
  {
    words: ['撤销 学号'],
    who: 'staff',
    does: 'undo their own pass or return, until 研工办 has passed the student',
    fits: (c) => c.isStaff && c.rest.length === 1 && NUMBER.test(c.rest[0]!),
    run: (c) => one(undoByChat(c.deps, c.s, c.me, c.msg, c.rest[0]!)),
  },
  {
    words: BACK_WORDS,
    who: 'staff',
    does: 'end their stand-in or absence (also `standin off`)',
    matches: (c) =>
      c.isStaff && (BACK_WORDS.includes(c.cmd) || (c.cmd === 'standin' && c.rest.join(' ').toLowerCase() === 'off')),
    run: (c) => one(standInByChat(c.deps, c.s, c.me, 'back', [])),
  },
  {
    words: STAND_IN_WORDS.map((w) => `${w} 工号或姓名 到 YYYY-MM-DD`),
    who: 'staff',
    does: 'name a stand-in until a date (alone: who stands in now)',
    fits: (c) => c.isStaff,
    run: (c) => one(standInByChat(c.deps, c.s, c.me, 'stand_in', c.rest)),
  },
  {
    words: AWAY_WORDS.map((w) => `${w} 到 YYYY-MM-DD`),
    who: 'staff',
    does: 'away until a date with nobody named (the college digest says so)',
    fits: (c) => c.isStaff,
    run: (c) => one(standInByChat(c.deps, c.s, c.me, 'away', c.rest)),
  },
];

/** The command that takes this message, or none (the caller answers with help). */
export function commandFor(c: ChatContext): ChatCommand | undefined {
  return commands.find((command) =>
    command.matches ? command.matches(c) : firstWords(command.words).includes(c.cmd) && (command.fits?.(c) ?? true),
  );
}
