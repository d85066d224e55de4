// No comment cites a file that is not in this repository: a reader must be able to open what a comment points to.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const DIRS = ['bot', 'handlers', 'cards', 'src', 'migrations', 'bench', 'scripts', 'test', 'bin'];
// a path ending in a file name: `bot/server.ts`, `../README.md`, `pg/lib/client.js` (URLs are removed first)
const CITED = /(?<![\w/.@-])((?:\.{1,2}\/)?(?:[\w-]+\/)*[\w.-]+\.(?:md|ts|js|json|ya?ml|sql|py))(?![\w/])/g;

function sources(): string[] {
  return DIRS.flatMap((dir) =>
    readdirSync(join(root, dir), { recursive: true })
      .map((entry) => join(dir, String(entry)))
      .filter((path) => /\.(ts|js)$/.test(path)),
  );
}

/** The files a piece of source text's comments cite that exist neither in the repository nor in an installed package. */
export function missingCitations(text: string, file: string): string[] {
  const comments = text.match(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g) ?? [];
  const missing: string[] = [];
  for (const comment of comments)
    for (const [, path] of comment.replace(/https?:\/\/\S+/g, '').matchAll(CITED)) {
      const found = [join(root, path!), join(root, dirname(file), path!), join(root, 'node_modules', path!)];
      if (!found.some((candidate) => existsSync(candidate))) missing.push(path!);
    }
  return missing;
}

describe('comments', () => {
  it('cite only files in the repository (or in an installed package), public documentation by its URL', () => {
    const offenders = sources().flatMap((file) =>
      missingCitations(readFileSync(join(root, file), 'utf8'), file).map((path) => `${file}: ${path}`),
    );
    expect(offenders).toEqual([]);
  });

  it('are caught citing a design note kept outside the repository, and pass a URL or a file of the repository', () => {
    // written as `#` so that this file's own scan does not read the examples as comments
    const text = [
      '## The rings of ARCHITECTURE.md (see shared/reference/feishu.md)',
      '#* Card JSON 2.0: https://open.feishu.cn/document/feishu-cards/card-json-v2-structure *#',
      '## built by bot/server.ts, checked by ../README.md',
    ]
      .join('\n')
      .replaceAll('#', '/');
    expect(missingCitations(text, 'test/example.ts')).toEqual(['ARCHITECTURE.md', 'shared/reference/feishu.md']);
  });
});
