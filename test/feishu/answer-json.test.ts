import { describe, expect, it } from 'vitest';
import { renderFeishu } from '../../cards/render/feishu.ts';
import { answerJson, cardAnswer } from '../../bot/feishu/events.ts';
import { fixtures } from '../support/card-fixtures.ts';

describe('a card answer sent as its JSON text', () => {
  const cards = fixtures.filter((f) => f.platforms.includes('feishu'));
  it.each(cards.map((f) => [f.name, f]))('%s: the text is the answer object, with and without a toast', (_name, f) => {
    for (const toast of [undefined, { type: 'success', content: '已通过 "引号" \\ <b>' }]) {
      const answer = cardAnswer(toast, renderFeishu(f.card));
      const text = answerJson(answer)!.toString('utf8');
      expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(answer)));
      // the long connection serializes the object itself: the text stays out of it
      expect(JSON.stringify(answer)).toBe(text);
    }
  });

  it('an answer built without a card has no text of its own', () => {
    expect(answerJson({ toast: { type: 'error', content: '无法识别的操作' } })).toBeUndefined();
  });
});
