// The four rings of the README's Architecture section keep their import directions.
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';

const root = resolve(import.meta.dirname, '..');

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const p = join(root, dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(relative(root, p)));
    else if (/\.ts$/.test(name)) out.push(p);
  }
  return out;
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => m[1] ?? m[2]!,
  );
}

/** where an import lands: a project folder ('src', 'cards', ...) or the package name */
function target(file: string, spec: string): string {
  if (!spec.startsWith('.')) return spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
  return relative(root, resolve(dirname(file), spec)).split('/')[0]!;
}

const PLATFORM = ['koa', '@koa/router', '@larksuiteoapi/node-sdk', 'raw-body', 'http-errors'];
const rules: Record<string, (file: string, t: string) => boolean> = {
  src: (_f, t) => !['bot', 'handlers', 'cards', ...PLATFORM].includes(t),
  cards: (_file, t) =>
    t === 'cards' ||
    (!t.startsWith('.') &&
      !['src', 'bot', 'handlers', 'migrations', ...PLATFORM, 'pg', '@mikro-orm/core'].includes(t) &&
      !/^node:(fs|net|http|child_process)/.test(t)),
  handlers: (file, t) => !['bot', ...PLATFORM].includes(t) && !(t === 'cards' && /cards\/render/.test(file)),
};

describe('ring boundaries', () => {
  for (const [ring, allowed] of Object.entries(rules)) {
    it(`${ring}/ imports only what its ring may`, () => {
      const files = (() => {
        try {
          return sources(ring);
        } catch {
          return [];
        }
      })();
      const bad = files.flatMap((f) =>
        imports(f)
          .filter((s) => !allowed(f, target(f, s)))
          .map((s) => `${relative(root, f)} -> ${s}`),
      );
      expect(bad).toEqual([]);
    });
  }

  it('the guard itself catches a crossing', () => {
    expect(rules.src!('src/x.ts', target(join(root, 'src/x.ts'), '../bot/server.ts'))).toBe(false);
    expect(rules.src!('src/x.ts', target(join(root, 'src/x.ts'), 'koa'))).toBe(false);
    expect(rules.handlers!('handlers/x.ts', target(join(root, 'handlers/x.ts'), '../bot/main.ts'))).toBe(false);
    expect(rules.cards!('cards/x.ts', target(join(root, 'cards/x.ts'), '../src/config.ts'))).toBe(false);
    expect(rules.src!('src/x.ts', target(join(root, 'src/x.ts'), '@mikro-orm/core'))).toBe(true);
  });
});
