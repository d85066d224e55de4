// The suite on a machine without chromium: the browser test reports that it did not run, and fails only where required.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { browserPlan, browserRequired } from './support/browser.ts';

/** The browser test file run by vitest in a process of its own, with no chromium where it looks for one. */
function runBrowserFileWithout(extra: Record<string, string>) {
  const env: NodeJS.ProcessEnv = { ...process.env, CHROMIUM_PATH: '/nonexistent/chromium', ...extra };
  delete env.VITEST; // the child is a run of its own, not a worker of this one
  delete env.VITEST_WORKER_ID;
  delete env.VITEST_POOL_ID;
  delete env.NODE_OPTIONS;
  for (const k of ['CI', 'LIXIAO_BROWSER_TESTS']) if (!(k in extra)) delete env[k];
  const r = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'test/browser/console.test.ts'], {
    env,
    encoding: 'utf8',
    timeout: 180_000,
  });
  return { code: r.status, output: `${r.stdout}\n${r.stderr}` };
}

describe('the browser test on a machine without chromium', () => {
  it('passes, saying loudly that it did not run and how to run it', () => {
    const r = runBrowserFileWithout({});
    expect(r.output).toContain('THE BROWSER TESTS DID NOT RUN');
    expect(r.output).toContain('apt-get install -y chromium');
    expect(r.output).toContain('LIXIAO_BROWSER_TESTS=required');
    expect(r.code).toBe(0);
  }, 200_000);

  it('fails where a browser is required (LIXIAO_BROWSER_TESTS=required, as .ci/run sets; or CI)', () => {
    const r = runBrowserFileWithout({ LIXIAO_BROWSER_TESTS: 'required' });
    expect(r.output).toContain('no chromium at /nonexistent/chromium, and the browser tests are required here');
    expect(r.code).not.toBe(0);
  }, 200_000);

  it('reads CI and LIXIAO_BROWSER_TESTS', () => {
    expect(browserRequired({})).toBe(false);
    expect(browserRequired({ CI: 'true' })).toBe(true);
    expect(browserRequired({ CI: '1' })).toBe(true);
    expect(browserRequired({ CI: 'false' })).toBe(false);
    expect(browserRequired({ LIXIAO_BROWSER_TESTS: 'required' })).toBe(true);
    expect(browserPlan({ CHROMIUM_PATH: '/x' }, () => true)).toEqual({ chromium: '/x', run: true });
    expect(() => browserPlan({ CHROMIUM_PATH: '/x', CI: 'true' }, () => false)).toThrow(/CI is set/);
  });
});
