// `lixiao doctor`: every check of a deployment, in checklist order, and the checklist as text or JSON.
import type pg from 'pg';
import { configChecks } from './config-checks.ts';
import { connect, databaseChecks } from './database-checks.ts';
import { roleChecks } from './role-checks.ts';
import { seasonChecks } from './season-checks.ts';
import { publicUrlChecks } from './url-checks.ts';
import { feishuChecks } from './feishu-checks.ts';
import { wecomChecks } from './wecom-checks.ts';
import { area, reasonOf, type CheckResult, type Status } from './check.ts';

export interface DoctorOptions {
  env?: NodeJS.ProcessEnv;
  /** this machine's clock, ms (the skew check compares it with the database's) */
  now?: () => number;
}

const AREAS = ['configuration', 'database', 'database role', 'time', 'public URL', 'feishu', 'wecom', 'season'];

/** A check that throws (a query on a table a pending migration would create) is a failure of its area, not a crash. */
async function guarded(name: string, work: () => Promise<CheckResult[]>): Promise<CheckResult[]> {
  try {
    return await work();
  } catch (e) {
    return [area(name).fail('check', `could not be checked: ${reasonOf(e)}`, 'fix the failures above first')];
  }
}

async function withDatabase(url: string, work: (client: pg.Client) => Promise<CheckResult[]>): Promise<CheckResult[]> {
  const { client, result } = await connect(url);
  if (!client) return [result];
  try {
    return [result, ...(await work(client))];
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function runDoctor(opts: DoctorOptions = {}): Promise<CheckResult[]> {
  const env = opts.env ?? process.env;
  const now = opts.now ?? Date.now;
  const { results, config, wf } = configChecks(env);
  if (!config) {
    for (const name of AREAS.slice(1)) results.push(area(name).skip('all', 'skipped: the configuration does not load'));
    return results;
  }
  const databaseUrl = config.databaseUrl;
  const parts = await Promise.all([
    databaseUrl
      ? withDatabase(databaseUrl, async (client) => {
          const db = await guarded('database', () => databaseChecks(client, now));
          const migrated = db.some((r) => r.name === 'migrations' && r.status === 'pass');
          const role = await guarded('database role', () => roleChecks(client));
          const season = !wf
            ? [area('season').skip('all', 'skipped: the workflow does not load')]
            : migrated
              ? await guarded('season', () => seasonChecks(client, config, wf))
              : [area('season').skip('all', 'skipped: the migrations check did not pass')];
          return [...db, ...role, ...season];
        })
      : Promise.resolve([
          area('database').skip(
            'all',
            'DATABASE_URL unset: the service runs its embedded PostgreSQL in LIXIAO_DATA_DIR; set DATABASE_URL to check a deployment’s database',
          ),
          ...['database role', 'time', 'season'].map((name) => area(name).skip('all', 'skipped: DATABASE_URL unset')),
        ]),
    publicUrlChecks(config),
    guarded('feishu', () => feishuChecks(config)),
    guarded('wecom', () => wecomChecks(config)),
  ]);
  results.push(...parts.flat());
  // checklist order, whatever order the checks finished in
  return results
    .map((r, i) => ({ r, i }))
    .sort((a, b) => AREAS.indexOf(a.r.area) - AREAS.indexOf(b.r.area) || a.i - b.i)
    .map(({ r }) => r);
}

export function summary(results: CheckResult[]): Record<Status, number> {
  const count: Record<Status, number> = { pass: 0, fail: 0, warn: 0, skip: 0 };
  for (const r of results) count[r.status]++;
  return count;
}

/** The exit code: 1 when anything failed. */
export const exitCode = (results: CheckResult[]) => (results.some((r) => r.status === 'fail') ? 1 : 0);

export function asJson(results: CheckResult[]): string {
  return JSON.stringify({ ok: exitCode(results) === 0, summary: summary(results), checks: results });
}

const MARK: Record<Status, string> = { pass: 'PASS', fail: 'FAIL', warn: 'WARN', skip: 'SKIP' };

export function asText(results: CheckResult[]): string {
  const n = summary(results);
  const lines = [`lixiao doctor: ${n.fail} failed, ${n.warn} warnings, ${n.pass} passed, ${n.skip} skipped`];
  let current = '';
  for (const r of results) {
    if (r.area !== current) lines.push('', (current = r.area));
    lines.push(`  ${MARK[r.status]} ${r.name}: ${r.detail}`);
    if (r.fix) lines.push(`       fix: ${r.fix}`);
  }
  return `${lines.join('\n')}\n`;
}
