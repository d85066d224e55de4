// Every card we render, checked against the platforms' documented rules (test/cards/schemas/*: the pages they come from).
// Feishu: https://open.feishu.cn/document/feishu-cards/card-json-v2-structure
// WeCom:  https://developer.work.weixin.qq.com/document/path/90236
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pageSize, pendingCard, statusCard, type Card, type PendingRow } from '../../cards/index.ts';
import { renderFeishu } from '../../cards/render/feishu.ts';
import { renderWecom } from '../../cards/render/wecom.ts';
import { largestFitting, MAX_PAGE } from '../../cards/build/page-size.ts';
import { feishuElements, feishuProblems } from './schemas/feishu-card.ts';
import { wecomProblems } from './schemas/wecom-card.ts';
import { financeRows, fixtures } from '../support/card-fixtures.ts';

const GOLDEN = resolve(import.meta.dirname, '../golden');
const goldens = (ext: string) => readdirSync(GOLDEN).filter((f) => f.endsWith(ext));
const read = (f: string) => JSON.parse(readFileSync(join(GOLDEN, f), 'utf8'));
const wecom = (c: Card) => renderWecom(c, { taskId: 'lx-test_1@a', url: 'https://lixiao.example.edu.cn/' });
type Obj = Record<string, any>;
const clone = (o: unknown): Obj => JSON.parse(JSON.stringify(o));

/** Rows whose every text is longer than a row keeps, in the characters that cost the most bytes once escaped. */
const worstRows = (n: number): PendingRow[] =>
  financeRows(n).map((r, i) => ({
    ...r,
    clearanceId: 900_000_000 + i,
    version: 999_999_999,
    studentNo: `<${'9'.repeat(40)}`,
    name: '<'.repeat(60),
    college: '*'.repeat(60),
    campus: '['.repeat(60),
    stepName: '`'.repeat(60),
    reason: '~'.repeat(300),
    amount: '&'.repeat(60),
  }));

/** The pending cards a season of `n` students makes, on every page, before and after taps, on both layouts. */
function seasonCards(n: number, rows: (n: number) => PendingRow[] = financeRows): Card[] {
  const all = rows(n);
  const cards: Card[] = [];
  for (const layout of ['buttons', 'checklist'] as const) {
    const size = pageSize(layout);
    const pages = Math.max(1, Math.ceil(n / size));
    for (let page = 1; page <= pages; page++) {
      const shown = all.slice((page - 1) * size, page * size);
      const view = { staffName: '张老师', rows: shown, page, pages, total: n, layout };
      cards.push(pendingCard(view));
      const results = Object.fromEntries(
        shown
          .slice(0, 3)
          .map((r, i) => [r.clearanceId, { tone: i ? 'grey' : 'green', text: '已通过 · 张老师' } as const]),
      );
      cards.push(pendingCard({ ...view, results }));
      // a page passed at once, answered with the next page below it (the console's tap, which shows no tapped card)
      const done = Object.fromEntries(shown.map((r) => [r.clearanceId, { tone: 'green', text: '已通过' } as const]));
      cards.push(
        pendingCard({ ...view, rows: [...shown, ...all.slice(page * size, (page + 1) * size)], results: done }),
      );
    }
  }
  return cards;
}

describe('golden files against the documented rules', () => {
  it.each(goldens('.feishu.json'))('%s is a card Feishu takes', (f) => {
    expect(feishuProblems(read(f))).toEqual([]);
  });
  it.each(goldens('.wecom.json'))('%s keeps every WeCom rule and recommended length', (f) => {
    expect(wecomProblems(read(f))).toEqual([]);
  });
  it('covers every fixture on both platforms', () => {
    expect(goldens('.feishu.json').length).toBe(fixtures.length);
    expect(goldens('.wecom.json').length).toBe(fixtures.length);
  });
});

describe('cards built from a season', () => {
  for (const [label, n, rows] of [
    ['a 20-row season', 20, financeRows],
    ['a 1-row season', 1, financeRows],
    ['a 45-row season', 45, financeRows],
    ['20 rows of the longest texts', 20, worstRows],
  ] as const)
    it(`${label}: every page on both platforms`, () => {
      for (const card of seasonCards(n, rows)) {
        const feishu = renderFeishu(card);
        expect(feishu.dropped, card.summary).toEqual([]);
        expect(feishuProblems(feishu.payload), card.summary).toEqual([]);
        const w = wecom(card);
        expect(wecomProblems(w.payload as Obj), card.summary).toEqual([]);
      }
    });

  it('a student with every step open, returned with long reasons, fits both platforms', () => {
    const card = statusCard({
      studentNo: '202301001',
      name: '阿卜杜热合曼·买买提明',
      college: '计算机学院',
      campus: '虎溪',
      exitType: '毕业',
      deadline: '2026-06-30',
      steps: Array.from({ length: 11 }, (_, i) => ({
        key: `s${i}`,
        name: `第${i + 1}个环节办公室`,
        office: 'x',
        state: i % 2 ? 'returned' : 'pending',
        reason: '材料不全，请补交'.repeat(i % 2 ? 3 : 0) || null,
        duties: ['办理事项'.repeat(5)],
        location: 'A区某楼某室',
        phones: ['65100000', '65100001'],
      })),
    });
    expect(feishuProblems(renderFeishu(card).payload)).toEqual([]);
    // the reasons alone pass 160 characters: the text is cut and the cut reported, never sent longer
    const w = wecom(card);
    expect(wecomProblems(w.payload as Obj)).toEqual([]);
    expect(w.dropped).toEqual([
      expect.stringMatching(/^sub_title_text: \d+ characters, WeCom recommends at most 160$/),
    ]);
  });
});

describe('the page size follows what a card holds', () => {
  it('a buttons page holds as many of the longest rows as fit, up to 20; checkboxes hold 20', () => {
    expect(pageSize('checklist')).toBe(MAX_PAGE);
    const size = pageSize('buttons');
    expect(size).toBeGreaterThan(0);
    const rows = worstRows(size + 1);
    const view = {
      staffName: '张老师',
      rows: rows.slice(0, size),
      page: 2,
      pages: 3,
      total: 99,
      layout: 'buttons' as const,
    };
    expect(renderFeishu(pendingCard(view)).dropped).toEqual([]);
  });

  it('the search for a page size finds the largest count that fits', () => {
    expect(largestFitting(20, (n) => n <= 13)).toBe(13);
    expect(largestFitting(20, () => true)).toBe(20);
    expect(largestFitting(20, (n) => n === 0)).toBe(0);
  });

  it('given more rows than a page, a card shows a page, and 本页全部通过 and `shows` name exactly those', () => {
    const rows = financeRows(20).concat(worstRows(10));
    const card = pendingCard({ staffName: '张老师', rows, page: 1, pages: 2, total: 30, layout: 'buttons' });
    const shown = card.blocks.filter((b) => b.kind === 'row').map((b) => (b.kind === 'row' ? b.id : ''));
    expect(shown).toEqual(rows.slice(0, pageSize('buttons')).map((r) => `r${r.clearanceId}`));
    const all = card.blocks
      .flatMap((b) => (b.kind === 'actions' ? b.buttons : []))
      .find((b) => b.label === '本页全部通过')!;
    expect(String(all.value.ids).split(',')).toEqual(
      rows.slice(0, shown.length).map((r) => `${r.clearanceId}.${r.version}`),
    );
    expect(all.confirm!.text).toBe(`确认通过本页 ${shown.length} 名学生？`);
    expect(card.shows!.clearanceIds).toEqual(rows.slice(0, shown.length).map((r) => r.clearanceId));
  });

  it('results beyond what fits are counted, not listed, and the card stays a card Feishu takes', () => {
    const rows = worstRows(50 + pageSize('buttons'));
    const results = Object.fromEntries(
      rows.slice(0, 50).map((r) => [r.clearanceId, { tone: 'grey', text: '~'.repeat(99) }]),
    );
    const card = pendingCard({
      staffName: '张老师',
      rows,
      results: results as never,
      page: 1,
      pages: 9,
      total: 999,
      layout: 'buttons',
    });
    expect(card.blocks.some((b) => b.kind === 'note' && /^另有 \d+ 名刚办理的学生未列出。$/.test(b.text))).toBe(true);
    const r = renderFeishu(card);
    expect(r.dropped).toEqual([]);
    expect(feishuProblems(r.payload)).toEqual([]);
    // every row decided just now is remembered, listed or not, so its copies are redrawn when it changes again
    expect(card.shows!.clearanceIds).toEqual(expect.arrayContaining(rows.slice(0, 50).map((r) => r.clearanceId)));
  });
});

describe('the checks refuse what the documents refuse', () => {
  const feishuCard = () => clone(renderFeishu(fixtures.find((f) => f.name === 'pending-buttons')!.card).payload);
  const wecomCard = (name: string) => clone(wecom(fixtures.find((f) => f.name === name)!.card).payload);

  it('Feishu: an unknown property, anywhere', () => {
    const card = feishuCard();
    card.body.elements[1].foo = 1;
    expect(feishuProblems(card)).toEqual(['schema: /body/elements/1 must NOT have additional properties']);
    const deep = feishuCard();
    deep.body.elements.at(-1).columns[0].width_px = 3;
    expect(feishuProblems(deep)).toEqual([
      expect.stringMatching(/^schema: \/body\/elements\/\d+\/columns\/0 must NOT have/),
    ]);
  });

  it('Feishu: an `action` tag', () => {
    const card = feishuCard();
    card.body.elements.push({ tag: 'action', actions: [] });
    expect(feishuProblems(card)).toContain('tag "action" does not exist in card JSON 2.0 (200861)');
  });

  it('Feishu: a bad or repeated element_id', () => {
    for (const bad of ['1row', 'row-1', 'r'.repeat(21), '行1']) {
      const card = feishuCard();
      card.body.elements[1].element_id = bad;
      expect(feishuProblems(card), bad).toEqual([
        'schema: /body/elements/1/element_id must match pattern "^[A-Za-z][A-Za-z0-9_]{0,19}$"',
      ]);
    }
    const card = feishuCard();
    card.body.elements[1].element_id = card.body.elements[4].element_id;
    expect(feishuProblems(card)).toEqual([`element_id / name ${card.body.elements[4].element_id} is not unique`]);
  });

  it('Feishu: 201 elements, counting plain_text and the header title', () => {
    const card = feishuCard();
    const n = feishuElements(card);
    card.body.elements.push(...Array.from({ length: 201 - n }, () => ({ tag: 'hr' })));
    expect(feishuElements(card)).toBe(201);
    expect(feishuProblems(card)).toEqual(['elements: 201, at most 200']);
    card.body.elements.pop();
    expect(feishuProblems(card)).toEqual([]);
  });

  it('Feishu: over 30 KB, nested too deep, a form not at the root, a confirm outside a form', () => {
    const big = feishuCard();
    big.body.elements[0].content = 'x'.repeat(30_000);
    expect(feishuProblems(big)).toEqual([expect.stringMatching(/^size: \d+ bytes, at most 30000$/)]);
    const nested = feishuCard();
    const paging = nested.body.elements.at(-1);
    paging.columns[0].elements = [{ tag: 'column_set', columns: [] }];
    expect(feishuProblems(nested).some((p) => p.startsWith('schema:'))).toBe(true);
    const form = feishuCard();
    const f = form.body.elements.find((e: Obj) => e.tag === 'form');
    form.body.elements.push({ tag: 'column_set', columns: [{ tag: 'column', elements: [f] }] });
    expect(feishuProblems(form).length).toBeGreaterThan(0);
    const confirm = feishuCard();
    const pass = confirm.body.elements.find((e: Obj) => e.tag === 'button');
    pass.confirm = { title: { tag: 'plain_text', content: '确认' }, text: { tag: 'plain_text', content: '确认？' } };
    expect(feishuProblems(confirm)).toEqual([
      'button {"tag":"plain_text","content":"通过"}: a confirm fires only on a form\'s submit button',
    ]);
  });

  it('WeCom: 7 buttons, 0 or 21 options, a bad task_id, long text, a missing card_action, an unknown property', () => {
    const buttons = wecomCard('pending-checklist-one');
    buttons.button_list = Array.from({ length: 7 }, (_, i) => ({ text: `第${i}页`, style: 2, key: `k${i}` }));
    expect(wecomProblems(buttons)).toEqual(['schema: /button_list must NOT have more than 6 items']);
    const vote = wecomCard('pending-checklist');
    vote.checkbox.option_list = [];
    expect(wecomProblems(vote)).toEqual(['schema: /checkbox/option_list must NOT have fewer than 1 items']);
    vote.checkbox.option_list = Array.from({ length: 21 }, (_, i) => ({
      id: `${i}.1`,
      text: `学生${i}`,
      is_checked: false,
    }));
    expect(wecomProblems(vote)).toEqual(['schema: /checkbox/option_list must NOT have more than 20 items']);
    for (const bad of ['has space', 'x'.repeat(129), '任务1', '']) {
      const card = wecomCard('pending-checklist-one');
      card.task_id = bad;
      expect(wecomProblems(card), bad).toEqual(['schema: /task_id must match pattern "^[0-9A-Za-z_\\-@]{1,128}$"']);
    }
    const long = wecomCard('status-mixed');
    long.sub_title_text = '离'.repeat(161);
    expect(wecomProblems(long)).toEqual(['schema: /sub_title_text must NOT have more than 160 characters']);
    const notice = wecomCard('notice');
    delete notice.card_action;
    expect(wecomProblems(notice)).toEqual(["schema: / must have required property 'card_action'"]);
    const extra = wecomCard('notice');
    extra.emphasis = 1;
    expect(wecomProblems(extra)).toEqual(['schema: / must NOT have additional properties']);
    const option = wecomCard('pending-checklist');
    option.checkbox.option_list[0].text = '202301002 王芳 · 财务处（已退回）';
    expect(wecomProblems(option)).toEqual([
      'schema: /checkbox/option_list/0/text must NOT have more than 17 characters',
    ]);
  });
});
