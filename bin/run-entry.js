// Runs an entry point (bot/cli/main, bot/main) from the compiled JavaScript in dist/ (built by `npm ci` through the
// `prepare` script) when it is at least as new as every source file, else from the TypeScript sources through tsx:
// a source edited since the build is never run stale, it only starts slower.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = ['bot', 'handlers', 'cards', 'src', 'migrations'];

function newestSource() {
  let newest = 0;
  for (const dir of SOURCES)
    for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true }))
      if (entry.isFile()) newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  return newest;
}

function built() {
  const stamp = join(root, 'dist', '.built');
  return existsSync(stamp) && statSync(stamp).mtimeMs >= newestSource();
}

export async function runEntry(path) {
  if (process.env.LIXIAO_FROM_SOURCE !== '1' && built())
    return import(pathToFileURL(join(root, 'dist', `${path}.js`)).href);
  const { register } = await import('tsx/esm/api');
  register();
  return import(pathToFileURL(join(root, `${path}.ts`)).href);
}
