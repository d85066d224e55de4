// `npm run build`, run by `npm ci` and `npm install` through `prepare`: compiles the TypeScript sources into dist/,
// stamps the build (bin/run-entry.js runs dist/ only when the stamp is newer than every source), and links the
// `lixiao` command into node_modules/.bin.
//
// Why a link and not package.json's "bin": npx runs a package's own bin by installing the package into its cache
// and reading the whole dependency tree first (https://docs.npmjs.com/cli/commands/npm-exec), about two seconds
// before lixiao even starts; a command in node_modules/.bin it runs at once.
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

mkdirSync('node_modules/.bin', { recursive: true });
rmSync('node_modules/.bin/lixiao', { force: true });
symlinkSync('../../bin/lixiao.js', 'node_modules/.bin/lixiao');
chmodSync('bin/lixiao.js', 0o755);

rmSync('dist', { recursive: true, force: true });
let tsc;
try {
  tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
} catch {
  // An install without dev dependencies has no compiler: lixiao then runs from the sources (slower to start).
  console.warn('typescript is not installed: no build; lixiao runs from the TypeScript sources');
  process.exit(0);
}
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
writeFileSync('dist/.built', `${new Date().toISOString()}\n`);
