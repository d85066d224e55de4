// Whether the browser tests run here: they need a chromium; they must run where one is required (CI, or asked for).
import { existsSync } from 'node:fs';

export interface BrowserPlan {
  chromium: string;
  /** a chromium is there: the tests run */
  run: boolean;
  /** no chromium, and none is required: the tests are reported as not run, with how to run them */
  notice?: string;
}

/** Required when CI is set (any value but "false" / "0") or LIXIAO_BROWSER_TESTS=required; `.ci/run` sets the latter. */
export function browserRequired(env: NodeJS.ProcessEnv): boolean {
  const ci = env.CI?.trim().toLowerCase();
  return env.LIXIAO_BROWSER_TESTS === 'required' || (!!ci && ci !== 'false' && ci !== '0');
}

export function browserPlan(env: NodeJS.ProcessEnv = process.env, exists = existsSync): BrowserPlan {
  const chromium = env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (exists(chromium)) return { chromium, run: true };
  if (browserRequired(env))
    throw new Error(
      `no chromium at ${chromium}, and the browser tests are required here (${env.LIXIAO_BROWSER_TESTS === 'required' ? 'LIXIAO_BROWSER_TESTS=required' : 'CI is set'}): apt-get install -y chromium, or set CHROMIUM_PATH`,
    );
  return {
    chromium,
    run: false,
    notice: [
      '',
      '!!! THE BROWSER TESTS DID NOT RUN (test/browser/console.test.ts) !!!',
      `!!! no chromium at ${chromium}. To run them: apt-get install -y chromium fonts-noto-cjk (or set CHROMIUM_PATH);`,
      '!!! to make a missing browser fail the run, set LIXIAO_BROWSER_TESTS=required (CI=true does the same).',
      '',
    ].join('\n'),
  };
}
