// Card renderers: every fixture on every platform against committed golden files, and the platform rules each payload must keep.
// UPDATE_GOLDEN=1 npx vitest run test/cards   rewrites test/golden/ (read the diff before committing it).
import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Button, Card } from '../../cards/index.ts';
import { feishuFormTap, renderFeishu } from '../../cards/render/feishu.ts';
import { renderWecom } from '../../cards/render/wecom.ts';
import { escapeHtml, renderHtml } from '../../cards/render/html.ts';
import { plain, segments } from '../../cards/render/text.ts';
import { fixtures, type Platform } from '../support/card-fixtures.ts';

const GOLDEN = resolve(import.meta.dirname, '../golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const WECOM_OPTS = (name: string) => ({ taskId: `lx-${name}-1`, url: 'https://lixiao.example.edu.cn/' });
const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

type Obj = Record<string, any>;
const feishu = (c: Card) => renderFeishu(c) as { payload: Obj; dropped: string[] };
const wecom = (c: Card, name = 'test') => renderWecom(c, WECOM_OPTS(name)) as { payload: Obj; dropped: string[] };

const RENDER: Record<Platform, { ext: string; run: (c: Card, name: string) => { text: string; dropped: string[] } }> = {
  feishu: {
    ext: 'feishu.json',
    run: (c) => ({ text: json(renderFeishu(c).payload), dropped: renderFeishu(c).dropped }),
  },
  wecom: {
    ext: 'wecom.json',
    run: (c, n) => ({
      text: json(renderWecom(c, WECOM_OPTS(n)).payload),
      dropped: renderWecom(c, WECOM_OPTS(n)).dropped,
    }),
  },
  html: { ext: 'html', run: (c) => ({ text: renderHtml(c).payload, dropped: renderHtml(c).dropped }) },
};
const PLATFORMS = Object.keys(RENDER) as Platform[];

function golden(file: string, actual: string): void {
  const path = join(GOLDEN, file);
  if (UPDATE) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(path, actual);
  }
  expect(existsSync(path), `${file} is missing: run UPDATE_GOLDEN=1 npx vitest run test/cards`).toBe(true);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

/** Every object in a JSON tree, with the chain of tags above it. */
function walk(v: unknown, visit: (o: Obj, tags: string[]) => void, tags: string[] = []): void {
  if (Array.isArray(v)) v.forEach((x) => walk(x, visit, tags));
  else if (v && typeof v === 'object') {
    visit(v, tags);
    const t = (v as Obj).tag;
    for (const x of Object.values(v)) walk(x, visit, typeof t === 'string' ? [...tags, t] : tags);
  }
}

const buttonsOf = (c: Card): Button[] =>
  c.blocks.flatMap((b) =>
    b.kind === 'row' || b.kind === 'actions' ? b.buttons : b.kind === 'checklist' ? [b.submit] : [],
  );

describe('golden files', () => {
  for (const f of fixtures)
    for (const p of PLATFORMS)
      it(`${f.name}.${RENDER[p].ext}`, () => {
        golden(`${f.name}.${RENDER[p].ext}`, RENDER[p].run(f.card, f.name).text);
      });

  it('dropped.json: what each card loses on each platform, including pairs never sent', () => {
    const all: Record<string, string[]> = {};
    for (const f of fixtures) for (const p of PLATFORMS) all[`${f.name}.${p}`] = RENDER[p].run(f.card, f.name).dropped;
    golden('dropped.json', json(all));
  });

  it('every card we send loses nothing on the platforms it is sent to', () => {
    for (const f of fixtures)
      for (const p of f.platforms) expect(RENDER[p].run(f.card, f.name).dropped, `${f.name}.${p}`).toEqual([]);
  });
});

describe('Feishu card JSON 2.0', () => {
  it('names and element_ids are valid and unique in every fixture', () => {
    for (const f of fixtures) {
      const ids: string[] = [];
      walk(feishu(f.card).payload, (o) => {
        if ('element_id' in o) ids.push(o.element_id);
        if ('name' in o) ids.push(o.name);
      });
      for (const id of ids) expect(id, f.name).toMatch(/^[A-Za-z][A-Za-z0-9_]{0,19}$/);
      expect(new Set(ids).size, f.name).toBe(ids.length);
    }
  });

  it('names stay valid and unique for ids that are not names at all', () => {
    const b = (c: number): Button[] => [
      { label: '退回', style: 'danger', value: { a: 'return', c }, input: { name: '2 reason', placeholder: '原因' } },
    ];
    const card: Card = {
      type: 't',
      title: 'T',
      tone: 'blue',
      summary: 's',
      blocks: [
        { kind: 'row', id: '1001.3', title: 'a', lines: [], buttons: b(1) },
        { kind: 'row', id: '1001_3', title: 'b', lines: [], buttons: b(2) },
        { kind: 'row', id: `r${'9'.repeat(30)}`, title: 'c', lines: [], buttons: b(3) },
        {
          kind: 'checklist',
          id: '第1页',
          options: [{ id: '1.1', label: 'x' }],
          submit: { label: '通过所选', style: 'primary', value: { a: 'pass_selected' } },
        },
      ],
    };
    const names: string[] = [];
    walk(feishu(card).payload, (o) => ['element_id', 'name'].forEach((k) => k in o && names.push(o[k])));
    expect(names.length).toBe(15);
    for (const n of names) expect(n).toMatch(/^[A-Za-z][A-Za-z0-9_]{0,19}$/);
    expect(new Set(names).size).toBe(names.length);
  });

  it('every fixture is under 30 KB and 200 elements, has no "action" tag, and forms sit at the root with named, submitting parts', () => {
    for (const f of fixtures) {
      const { payload } = feishu(f.card);
      expect(new TextEncoder().encode(JSON.stringify(payload)).length, f.name).toBeLessThan(30_000);
      expect(payload).toMatchObject({
        schema: '2.0',
        config: { update_multi: true, summary: { content: f.card.summary } },
        header: { template: f.card.tone },
      });
      // counted as Feishu documents it: every tagged object, plain_text included, the header's title too
      let components = 0;
      walk(payload.header, (o) => typeof o.tag === 'string' && components++);
      walk(payload.body.elements, (o, tags) => {
        if (typeof o.tag === 'string') components++;
        expect(o.tag, f.name).not.toBe('action');
        if (o.tag === 'form') expect(tags, `${f.name}: form nested in ${tags.join('>')}`).toEqual([]);
        if (tags.includes('form') && ['input', 'button', 'multi_select_static'].includes(o.tag))
          expect(o.name, f.name).toBeTruthy();
        if (o.tag === 'button') {
          expect(o.form_action_type === 'submit', `${f.name}: button ${o.text.content}`).toBe(tags.includes('form'));
          expect(o.behaviors).toEqual([{ type: 'callback', value: expect.any(Object) }]);
        }
      });
      expect(components, f.name).toBeLessThanOrEqual(200);
    }
  });

  it('every button of the card is there, carrying its value, and each typed reason has its own form', () => {
    for (const f of fixtures) {
      const values: unknown[] = [];
      const forms: Obj[] = [];
      walk(feishu(f.card).payload, (o) => {
        if (o.tag === 'button') values.push(o.behaviors[0].value);
        if (o.tag === 'form') forms.push(o);
      });
      const shown = f.card.blocks.flatMap((b) =>
        b.kind === 'row' || b.kind === 'actions' ? b.buttons : b.kind === 'checklist' ? [b.submit] : [],
      );
      expect(values, f.name).toEqual(expect.arrayContaining(shown.map((b) => b.value)));
      expect(values.length, f.name).toBe(shown.length);
      // a form per typed reason, per checklist, and per button that asks first (a confirm fires only on a form's submit)
      expect(forms.length, f.name).toBe(
        shown.filter((b) => b.input || b.confirm).length + f.card.blocks.filter((b) => b.kind === 'checklist').length,
      );
    }
  });

  it('escapes markup in data but keeps our **bold**', () => {
    const card: Card = {
      type: 't',
      title: 'T',
      tone: 'blue',
      summary: 's',
      blocks: [{ kind: 'text', text: '**注意** 学生 <at id=all></at> *王* [x](javascript:1)' }],
    };
    const content = feishu(card).payload.body.elements[0].content as string;
    expect(content.startsWith('**注意** ')).toBe(true);
    expect(content).not.toMatch(/<at|\*王\*|\[x\]/);
  });

  it('a card over 200 elements or 30 KB is never built: it is replaced by its summary, without buttons, and reported', () => {
    const rowsCard: Card = {
      type: 't',
      title: 'T',
      tone: 'blue',
      summary: 's',
      blocks: Array.from({ length: 26 }, (_, i) => ({
        kind: 'row',
        id: `r${i}`,
        title: `学生${i}`,
        lines: ['计算机学院'],
        buttons: [
          { label: '通过', style: 'primary', value: { a: 'pass', c: i } },
          {
            label: '退回',
            style: 'danger',
            value: { a: 'return', c: i },
            input: { name: 'reason', placeholder: '原因' },
          },
        ],
      })),
    };
    // 26 rows of 8 (markdown, 通过 and its label, the 退回 form with input, placeholder, button and label) + the title
    const r = feishu(rowsCard);
    expect(r.dropped).toEqual(['card has 209 elements: Feishu allows 200']);
    expect(JSON.stringify(r.payload)).not.toContain('"button"');
    expect(r.payload.body.elements).toHaveLength(2);
    const big: Card = {
      type: 't',
      title: 'T',
      tone: 'blue',
      summary: 's',
      blocks: [{ kind: 'text', text: '离'.repeat(11_000) }],
    };
    expect(feishu(big).dropped).toEqual([expect.stringMatching(/^card is 33\d{3} bytes: Feishu allows 30 KB$/)]);
  });

  it('a link that is not http(s) is reported and shown as its label', () => {
    const r = feishu({
      type: 't',
      title: 'T',
      tone: 'blue',
      summary: 's',
      blocks: [{ kind: 'link', label: '表', url: 'javascript:alert(1)' }],
    });
    expect(r.dropped).toHaveLength(1);
    expect(r.payload.body.elements[0]).toEqual({ tag: 'markdown', content: '表' });
  });

  it('brackets in a link cannot end the markdown link early', () => {
    const r = feishu({
      type: 't',
      title: 'T',
      tone: 'blue',
      summary: 's',
      blocks: [{ kind: 'link', label: '表 [1]', url: 'https://x.test/a_(1)?q=(2)' }],
    });
    expect(r.payload.body.elements[0].content).toBe('[表 &#91;1&#93;](https://x.test/a_%281%29?q=%282%29)');
  });

  it("the parser's side of the form contract: suffixed names come back as the handler's input and selection", () => {
    expect(feishuFormTap({ reason_3: '未还书' })).toEqual({ input: { reason: '未还书' } });
    expect(feishuFormTap({ selected: ['1001.1', '1002.2'] })).toEqual({ selected: ['1001.1', '1002.2'] });
  });
});

describe('WeCom template_card', () => {
  it('every fixture keeps the card type rules: <= 6 buttons, keys <= 1024 bytes and unique, <= 20 options, valid task_id', () => {
    for (const f of fixtures) {
      const { payload: p } = wecom(f.card, f.name);
      const keys: string[] = [
        ...(p.button_list ?? []).map((b: Obj) => b.key),
        ...(p.submit_button ? [p.submit_button.key] : []),
      ];
      for (const k of keys) expect(new TextEncoder().encode(k).length, f.name).toBeLessThanOrEqual(1024);
      expect(new Set(keys).size, f.name).toBe(keys.length);
      expect(p.main_title, f.name).toEqual({ title: f.card.title, desc: f.card.summary });
      if (p.card_type === 'button_interaction') expect(p.button_list.length, f.name).toBeLessThanOrEqual(6);
      if (p.card_type === 'vote_interaction') expect(p.checkbox.option_list.length, f.name).toBeLessThanOrEqual(20);
      if (p.card_type === 'text_notice')
        expect(p.card_action).toEqual({ type: 1, url: 'https://lixiao.example.edu.cn/' });
      else expect(p.task_id, f.name).toMatch(/^[0-9A-Za-z_\-@]{1,128}$/);
      expect(p.horizontal_content_list?.length ?? 0).toBeLessThanOrEqual(6);
      expect(p.jump_list?.length ?? 0).toBeLessThanOrEqual(3);
      for (const k of p.button_list ?? [])
        expect(buttonsOf(f.card).map((b) => b.value)).toContainEqual(JSON.parse(k.key));
      expect(JSON.stringify(p), f.name).not.toContain('**');
    }
  });

  it('a card with 8 buttons shows 6 and reports the other 2', () => {
    const buttons: Button[] = Array.from({ length: 8 }, (_, i) => ({
      label: `第${i + 1}页`,
      style: 'default',
      value: { a: 'page', p: i + 1 },
    }));
    const r = wecom({ type: 't', title: 'T', tone: 'blue', summary: 's', blocks: [{ kind: 'actions', buttons }] });
    expect(r.payload.button_list).toHaveLength(6);
    expect(r.dropped).toEqual(['button 第7页: WeCom allows 6 buttons', 'button 第8页: WeCom allows 6 buttons']);
  });

  it('a checklist of 25 options shows 20 and reports the rest', () => {
    const options = Array.from({ length: 25 }, (_, i) => ({ id: `${1001 + i}.1`, label: `学生${i + 1}` }));
    const r = wecom({
      type: 't',
      title: 'T',
      tone: 'blue',
      summary: 's',
      blocks: [
        {
          kind: 'checklist',
          id: 'p1',
          options,
          submit: { label: '通过所选', style: 'primary', value: { a: 'pass_selected' } },
        },
      ],
    });
    expect(r.payload.card_type).toBe('vote_interaction');
    expect(r.payload.checkbox.option_list).toHaveLength(20);
    expect(r.dropped).toEqual(['option 21..25: WeCom checkbox allows 20']);
  });

  it('reports an invalid task_id, an over-long key and a confirm it cannot ask', () => {
    const long: Button = {
      label: '全部通过',
      style: 'primary',
      value: { a: 'pass_page', ids: '1.1,'.repeat(300) },
      confirm: { title: '确认', text: '确认？' },
    };
    const r = renderWecom(
      { type: 't', title: 'T', tone: 'blue', summary: 's', blocks: [{ kind: 'actions', buttons: [long] }] },
      { taskId: 'bad id!', url: 'https://x.test/' },
    );
    expect(r.dropped).toEqual([
      'task_id "bad id!": WeCom allows [0-9A-Za-z_-@], at most 128 bytes',
      'button 全部通过: key is 1226 bytes, WeCom allows 1024',
      'confirm of button 全部通过: WeCom cannot ask before a tap',
    ]);
  });

  it('a link that is not http(s) is reported, not sent', () => {
    const r = wecom({
      type: 't',
      title: 'T',
      tone: 'blue',
      summary: 's',
      blocks: [
        { kind: 'link', label: '表', url: 'javascript:alert(1)' },
        { kind: 'link', label: '图', url: 'https://x.test/' },
      ],
    });
    expect(r.dropped).toEqual(['link 表: WeCom opens only http(s) links']);
    expect(r.payload.jump_list).toEqual([{ type: 1, title: '图', url: 'https://x.test/' }]);
  });

  it('a typed reason is not a loss: the handler asks for it in chat', () => {
    const card = fixtures.find((f) => f.name === 'pending-checklist-one')!.card;
    expect(buttonsOf(card).some((b) => b.input)).toBe(true);
    expect(wecom(card).dropped).toEqual([]);
  });
});

describe('HTML', () => {
  /** A tag-balance check: enough to catch an unclosed or misnested element in the fragment. */
  function balanced(html: string): string[] {
    const stack: string[] = [];
    for (const m of html.matchAll(/<(\/?)([a-z]+)[^>]*>/g)) {
      if (['br', 'hr', 'input'].includes(m[2]!)) continue;
      if (!m[1]) stack.push(m[2]!);
      else if (stack.pop() !== m[2]) return [`misnested </${m[2]}>`];
    }
    return stack;
  }
  const unescape = (s: string) =>
    s
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');

  it('every fixture is balanced and every data-value is the JSON of one of its buttons', () => {
    for (const f of fixtures) {
      const html = renderHtml(f.card).payload;
      expect(balanced(html), f.name).toEqual([]);
      const values = [...html.matchAll(/data-value="([^"]*)"/g)].map((m) => JSON.parse(unescape(m[1]!)));
      expect(values.length, f.name).toBe(buttonsOf(f.card).length);
      for (const v of values)
        expect(
          buttonsOf(f.card).map((b) => b.value),
          f.name,
        ).toContainEqual(v);
    }
  });

  it('escapes <script> and quotes in text, titles and attributes', () => {
    const evil = `<script>alert("x")</script>'`;
    const card: Card = {
      type: `t"><script>`,
      title: evil,
      tone: 'red',
      summary: 's',
      blocks: [
        { kind: 'text', text: `**${evil}**\n${evil}` },
        {
          kind: 'actions',
          buttons: [{ label: evil, style: 'danger', value: { a: evil }, confirm: { title: evil, text: evil } }],
        },
      ],
    };
    const r = renderHtml(card);
    expect(r.payload).not.toMatch(/<script|"x"|'\)/);
    expect(r.payload).toContain(`<strong>${escapeHtml(evil)}</strong><br>${escapeHtml(evil)}`);
    expect(JSON.parse(unescape(/data-value="([^"]*)"/.exec(r.payload)![1]!))).toEqual({ a: evil });
    expect(r.dropped).toEqual([]);
  });

  it('a javascript: link is reported and not rendered as a link; http(s) and relative links are', () => {
    for (const url of ['javascript:alert(1)', ' JavaScript:alert(1)', 'java\tscript:alert(1)', 'data:text/html,x']) {
      const r = renderHtml({
        type: 't',
        title: 'T',
        tone: 'blue',
        summary: 's',
        blocks: [{ kind: 'link', label: '确认书', url }],
      });
      expect(r.dropped, url).toHaveLength(1);
      expect(r.payload, url).not.toMatch(/<a |href/);
      expect(r.payload).toContain('<span class="link">确认书</span>');
    }
    for (const url of [
      'https://lixiao.example.edu.cn/forms/supervisor/abc',
      'http://127.0.0.1:3000/x',
      '/forms/supervisor/abc',
      'forms/x?a=1&b=2',
    ]) {
      const r = renderHtml({
        type: 't',
        title: 'T',
        tone: 'blue',
        summary: 's',
        blocks: [{ kind: 'link', label: '确认书', url }],
      });
      expect(r.dropped, url).toEqual([]);
      expect(r.payload).toContain(
        `<a class="link" href="${escapeHtml(url)}" target="_blank" rel="noopener">确认书</a>`,
      );
    }
  });
});

describe('the **bold** markup', () => {
  it('pairs ** and leaves an unpaired one as text', () => {
    expect(segments('**进度**（或 status）：**a** b **c')).toEqual([
      { text: '进度', bold: true },
      { text: '（或 status）：', bold: false },
      { text: 'a', bold: true },
      { text: ' b **c', bold: false },
    ]);
    expect(plain('**将通过 3 名学生：**\n202301002 王芳')).toBe('将通过 3 名学生：\n202301002 王芳');
  });
});
