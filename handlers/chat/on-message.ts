// A chat message: the person, then the first command of the registry (handlers/chat/commands.ts) that takes it, else help.
import { helpCard, unknownPersonCard, type Card } from '../../cards/index.ts';
import { stepName, stepOf } from '../../src/workflow/load.ts';
import { openSession, handledSteps, type Session } from '../session.ts';
import type { Caps, ChatMessage, Deps } from '../types.ts';
import { commandFor } from './commands.ts';

/** `known`: a session the platform layer has already opened (it identified the person along with other questions). */
export async function onMessage(deps: Deps, msg: ChatMessage, caps: Caps, known?: Session): Promise<Card[]> {
  const s = await openSession(deps, msg.who, known);
  const text = msg.text.trim().replace(/\s+/g, ' ');
  const [word = '', ...rest] = text.split(' ');
  // Someone we do not know wrote in English: their card leads with English (Feishu carries both either way).
  if (!s.me) return [unknownPersonCard(/^[\x20-\x7e]+$/.test(text) && /[a-z]/i.test(text) ? 'en' : 'zh')];
  const me = s.me;
  // a stand-in with no office of their own is staff while they stand in
  const context = { deps, s, me, msg, caps, text, cmd: word.toLowerCase(), rest, isStaff: me.acting.length > 0 };
  const command = commandFor(context);
  if (command) return command.run(context);
  const lang = me.lang ?? 'zh';
  return [
    helpCard({
      name: me.name,
      isStudent: Boolean(me.student),
      steps: handledSteps(deps, me).map((k) => stepName(stepOf(deps.wf, k)!, lang)),
      lang,
    }),
  ];
}
