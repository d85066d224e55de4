// The message catalogue: every key in both languages with the same placeholders, plurals and dates per locale, and no
// Chinese left in the student-facing card builders outside it.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CATALOGUES, formatDate, LANGS, parseLang, t } from '../../cards/i18n/index.ts';
import { loadWorkflow, parseWorkflow } from '../../src/workflow/load.ts';

const base = (k: string) => k.replace(/_(zero|one|two|few|many|other)$/, '');
const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the message catalogue', () => {
  it('every key exists in both languages, plural keys with their _other form', () => {
    const keys = (lang: (typeof LANGS)[number]) => new Set(Object.keys(CATALOGUES[lang]).map(base));
    expect([...keys('en')].sort()).toEqual([...keys('zh')].sort());
    for (const lang of LANGS)
      for (const k of Object.keys(CATALOGUES[lang]))
        if (k !== base(k)) expect(CATALOGUES[lang], `${lang} ${k}`).toHaveProperty([`${base(k)}_other`]);
  });

  it('English fills only placeholders the Chinese has (it may leave one out where English words it otherwise)', () => {
    const names = (lang: 'zh' | 'en', b: string) =>
      new Set(
        Object.entries(CATALOGUES[lang])
          .filter(([k]) => base(k) === b)
          .flatMap(([, v]) => placeholders(v)),
      );
    for (const b of new Set(Object.keys(CATALOGUES.zh).map(base)))
      for (const p of names('en', b)) expect([...names('zh', b)], b).toContain(p);
  });

  it('English has no Chinese except where it names the Chinese word to send or the form the college keeps', () => {
    for (const [k, v] of Object.entries(CATALOGUES.en)) {
      const han = v.replace(
        /发送“中文”切换为中文|中文|查|撤销|代理|取消代理|休假|到|研工办|导师准许学生离校确认书/g,
        '',
      );
      expect(han, k).not.toMatch(/\p{Script=Han}/u);
    }
  });

  it('plural forms by Intl.PluralRules, dates by Intl.DateTimeFormat', () => {
    expect(t('en', 'status.open', { count: 1 })).toBe('1 step left');
    expect(t('en', 'status.open', { count: 3 })).toBe('3 steps left');
    expect(t('zh', 'status.open', { count: 1 })).toBe('还有 1 项待办理');
    expect(formatDate('en', '2026-06-30')).toBe('30 June 2026');
    expect(formatDate('zh', '2026-06-30')).toBe('2026-06-30');
    expect(formatDate('en', 'soon')).toBe('soon');
  });

  it('reads a language the way imports and people write it', () => {
    for (const v of ['en', 'EN', 'English', ' english ']) expect(parseLang(v)).toBe('en');
    for (const v of ['zh', '中文']) expect(parseLang(v)).toBe('zh');
    expect(parseLang('fr')).toBeNull();
  });
});

describe('the card builders a student sees', () => {
  const BUILDERS = ['status-card.ts', 'message-cards.ts', 'change-notices.ts', 'certificate-card.ts'].map((f) =>
    resolve(import.meta.dirname, '../../cards/build', f),
  );

  it('hold no Chinese outside comments: their words come from the catalogue', () => {
    for (const file of BUILDERS) {
      const code = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      expect(code.match(/.*\p{Script=Han}.*/gu), file).toBeNull();
    }
  });

  it("the student reminder's builder takes its words from the catalogue too", () => {
    const code = readFileSync(resolve(import.meta.dirname, '../../cards/build/digest-card.ts'), 'utf8');
    const reminder = code.slice(code.indexOf('export function reminderCard'));
    expect(reminder.replace(/\/\/.*$/gm, '').match(/.*\p{Script=Han}.*/gu)).toBeNull();
  });
});

describe('the CQU preset in English', () => {
  it('every step has an English name, office and what to do; the Chinese stays what the system keys on', () => {
    const wf = loadWorkflow();
    for (const s of wf.steps) {
      expect(s.en?.name, s.key).toBeTruthy();
      expect(s.en?.office, s.key).toBeTruthy();
      expect(s.name, s.key).toMatch(/\p{Script=Han}/u);
      s.duties.forEach((d, i) => d.includes('标记') || expect(s.en?.duties[i], `${s.key} ${d}`).toBeTruthy());
      for (const [campus, c] of Object.entries(s.contacts))
        if (c.location) expect(s.en?.locations[campus], `${s.key} ${campus}`).toBeTruthy();
    }
  });
});

describe('a workflow file with English', () => {
  const base = (name: unknown) => ({
    name: 'x',
    campuses: ['A'],
    steps: [{ key: 'library', name, office: '图书馆', scope: 'school', duties: ['还书'] }],
  });
  it('takes a text as a string or as { zh, en }', () => {
    const wf = parseWorkflow(base({ zh: '图书馆', en: 'Library' }), 'test');
    expect(wf.steps[0]!.name).toBe('图书馆');
    expect(wf.steps[0]!.en?.name).toBe('Library');
    expect(parseWorkflow(base('图书馆'), 'test').steps[0]!.en?.name).toBeUndefined();
  });
  it('refuses a text without its English, or with a language it does not know, naming the path', () => {
    expect(() => parseWorkflow(base({ zh: '图书馆' }), 'test')).toThrow(/steps\.0\.name/);
    expect(() => parseWorkflow(base({ zh: '图书馆', en: 'Library', fr: 'Bibliothèque' }), 'test')).toThrow(
      /steps\.0\.name/,
    );
  });
});
