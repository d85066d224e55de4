// The registry routes: every chat word in it reaches its command, and every button a card builds names a registered action.
import { describe, expect, it } from 'vitest';
import { fixtures } from './support/card-fixtures.ts';
import { actions, commands } from '../handlers/index.ts';
import { commandFor, type ChatContext } from '../handlers/chat/commands.ts';
import type { Card } from '../cards/index.ts';

/** Every button value a card carries, wherever it sits (rows, actions, a checklist's submit, results' undo). */
function buttonValues(card: Card): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (typeof o.label === 'string' && o.value && typeof o.value === 'object')
      out.push(o.value as Record<string, unknown>);
    Object.values(o).forEach(walk);
  };
  walk(card.blocks);
  return out;
}

describe('the card actions', () => {
  it('every button of every card names a registered action', () => {
    const seen = new Set<unknown>();
    for (const f of fixtures)
      for (const value of buttonValues(f.card)) {
        expect(actions, `${f.name}: ${JSON.stringify(value)}`).toContain(value.a);
        seen.add(value.a);
      }
    // the fixtures reach most actions, so the check above is not empty
    expect(seen.size).toBeGreaterThanOrEqual(6);
  });
});

describe('the chat commands', () => {
  const context = (text: string, isStaff = true): ChatContext => {
    const [word = '', ...rest] = text.split(' ');
    return { text, cmd: word.toLowerCase(), rest, isStaff } as unknown as ChatContext;
  };

  it('each command is reached by its own words, and the first command that fits wins', () => {
    const examples: [string, string][] = [
      ['English', 'English'],
      ['language zh', 'English'],
      ['进度', '进度'],
      ['status', '进度'],
      ['certificate', '证明'],
      ['todo', '待办'],
      ['查 202100001', '查 学号'],
      ['查202100001', '查 学号'],
      ['pass 202100001 202100002', '通过 学号 …'],
      ['授权 T1001', '授权 工号或姓名'],
      ['取消授权', '取消授权'],
      ['退回 202100001 图书未还', '退回 学号 原因'],
      ['暂不同意 202100001 课题未移交', '退回 学号 原因'],
      ['return 202100001', '退回 学号'],
      ['暂不同意 202100001', '暂不同意'],
      ['撤销 202100001', '撤销 学号'],
      ['取消代理', '取消代理'],
      ['standin off', '取消代理'],
      ['代理 张三 到 2026-08-31', '代理 工号或姓名 到 YYYY-MM-DD'],
      ['休假 到 2026-08-31', '休假 到 YYYY-MM-DD'],
    ];
    for (const [text, first] of examples) expect(commandFor(context(text))?.words[0], text).toBe(first);
  });

  it('staff words from someone who holds no step, and words that do not fit, go on to help', () => {
    for (const text of ['待办', '查 202100001', '通过 202100001', '撤销 202100001', '代理 张三 到 2026-08-31'])
      expect(commandFor(context(text, false)), text).toBeUndefined();
    for (const text of ['通过', '通过 一二三 ;drop', '授权', '取消授权 张三', '撤销', 'hello'])
      expect(commandFor(context(text)), text).toBeUndefined();
  });

  it('every command says who it is for and what it does (the README and help are written from this list)', () => {
    for (const c of commands) {
      expect(c.words.length).toBeGreaterThan(0);
      expect(c.does.length).toBeGreaterThan(5);
    }
  });
});
