// The doctor's database checks: reachable, version, migrations, autovacuum, plan_cache_mode, and the clocks.
import pg from 'pg';
import { migrationsList } from '../../migrations/index.ts';
import { SESSION_OPTIONS } from '../../src/db/orm.ts';
import { safeUrl } from '../../src/log.ts';
import { area, NETWORK_TIMEOUT_MS, reasonOf, type CheckResult } from './check.ts';

const d = area('database');
const t = area('time');

/** PostgreSQL 13 is the oldest the README supports. */
export const MIN_SERVER_VERSION = 130000;
/** Both platforms refuse requests signed more than 300 s off; a tenth of that leaves room for the network. */
export const MAX_CLOCK_SKEW_S = 30;

/** A connection opened as the service opens its own (the same startup options), or the reason it could not be. */
export async function connect(url: string): Promise<{ client?: pg.Client; result: CheckResult }> {
  const client = new pg.Client({
    connectionString: url,
    options: SESSION_OPTIONS,
    connectionTimeoutMillis: NETWORK_TIMEOUT_MS,
    statement_timeout: 30_000,
  });
  client.on('error', () => undefined); // a connection dropped mid-check fails that check, not the process
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    return {
      result: d.fail(
        'reachable',
        `${safeUrl(url)}: ${reasonOf(e)}`,
        'check DATABASE_URL (host, port, database, user, password), that PostgreSQL runs and that pg_hba.conf lets this host in',
      ),
    };
  }
  return { client, result: d.pass('reachable', safeUrl(url)) };
}

export function versionCheck(versionNum: number, version: string): CheckResult {
  return versionNum >= MIN_SERVER_VERSION
    ? d.pass('version', `PostgreSQL ${version}`)
    : d.fail('version', `PostgreSQL ${version} is older than 13`, 'upgrade PostgreSQL to 13 or later');
}

export function skewCheck(skewS: number): CheckResult {
  const said = `this machine's clock is ${Math.abs(skewS).toFixed(1)} s ${skewS > 0 ? 'ahead of' : 'behind'} the database's`;
  return Math.abs(skewS) <= MAX_CLOCK_SKEW_S
    ? t.pass('clock skew', said)
    : t.fail(
        'clock skew',
        `${said}: over ${MAX_CLOCK_SKEW_S} s, and Feishu and WeCom requests are refused when their timestamp is more than 300 s off`,
        'run NTP on both machines (timedatectl set-ntp true, or chrony) and check their time zones are set, not their clocks',
      );
}

/** One check's work; a query it may not run (a role without grants) fails that check alone. */
async function attempt(check: string, work: () => Promise<CheckResult>): Promise<CheckResult> {
  try {
    return await work();
  } catch (e) {
    return d.fail(check, `could not be checked: ${reasonOf(e)}`, 'see the database role checks below');
  }
}

export async function databaseChecks(client: pg.Client, now: () => number): Promise<CheckResult[]> {
  const one = async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows[0] as T;
  const results: CheckResult[] = [];

  const v = await one<{ num: string; version: string }>(
    "select current_setting('server_version_num') as num, current_setting('server_version') as version",
  );
  results.push(versionCheck(Number(v.num), v.version));

  // Migrations: the ones committed with this code against the ones the database recorded.
  results.push(
    await attempt('migrations', async () => {
      const table = await one<{ t: string | null }>("select to_regclass('public.mikro_orm_migrations')::text as t");
      const applied = new Set(
        table.t ? (await client.query('select name from mikro_orm_migrations')).rows.map((r) => r.name) : [],
      );
      const pending = migrationsList.map((m) => m.name).filter((name) => !applied.has(name));
      const queue = await one<{ n: number }>(
        "select count(*)::int as n from pg_namespace where nspname = 'graphile_worker'",
      );
      if (!pending.length && queue.n)
        return d.pass('migrations', `all ${migrationsList.length} applied, job queue schema present`);
      return d.fail(
        'migrations',
        [
          pending.length ? `${pending.length} of ${migrationsList.length} pending: ${pending.join(', ')}` : '',
          queue.n ? '' : 'the job queue schema (graphile_worker) is missing',
        ]
          .filter(Boolean)
          .join('; '),
        'run `npx lixiao migrate` as the role that owns the tables',
      );
    }),
  );

  // Autovacuum: off server-wide or on one of our busy tables, and dead rows pile up (inbound_event, change_outbox, jobs).
  results.push(
    await attempt('autovacuum', async () => {
      const av = await one<{ on: string; counts: string }>(
        "select current_setting('autovacuum') as on, current_setting('track_counts') as counts",
      );
      const offTables = (
        await client.query<{ name: string }>(
          `select n.nspname || '.' || c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname in ('public', 'graphile_worker') and c.relkind = 'r'
              and exists (select 1 from unnest(c.reloptions) o
                           where o ilike 'autovacuum_enabled=%' and o not ilike '%=true' and o not ilike '%=on')
            order by 1`,
        )
      ).rows.map((r) => r.name);
      const problems = [
        av.on !== 'on' || av.counts !== 'on' ? `autovacuum = ${av.on}, track_counts = ${av.counts}` : '',
        offTables.length ? `autovacuum is turned off on ${offTables.join(', ')}` : '',
      ].filter(Boolean);
      if (!problems.length) return d.pass('autovacuum', 'on');
      const fixes = [
        av.on !== 'on' || av.counts !== 'on'
          ? 'set autovacuum = on and track_counts = on in postgresql.conf and reload.'
          : '',
        ...offTables.map((name) => `ALTER TABLE ${name} RESET (autovacuum_enabled);`),
      ].filter(Boolean);
      return d.fail('autovacuum', problems.join('; '), fixes.join(' '));
    }),
  );

  // Generic plans are asked for in the startup options; a pooler that drops them leaves every call planned afresh.
  const plan = await one<{ mode: string }>("select current_setting('plan_cache_mode') as mode");
  results.push(
    plan.mode === 'force_generic_plan'
      ? d.pass('plan_cache_mode', 'force_generic_plan in the service’s sessions')
      : d.warn(
          'plan_cache_mode',
          `${plan.mode} in a session opened as the service opens them: the startup option was dropped (a pooler?) or overridden in DATABASE_URL; statements are planned on every call (correct, slower)`,
          'ALTER ROLE <the service role> SET plan_cache_mode = force_generic_plan; behind PgBouncer see Connection poolers in the README',
        ),
  );

  // The clocks: the database's time against this machine's, taken half way through the round trip.
  const before = now();
  const db = await one<{ epoch: number }>('select extract(epoch from clock_timestamp())::float8 as epoch');
  const after = now();
  results.push(skewCheck((before + after) / 2 / 1000 - Number(db.epoch)));
  return results;
}
