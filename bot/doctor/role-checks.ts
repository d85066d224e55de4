// The doctor's checks of the service's database role: the grants and graphile-worker policies of the README's Deployment section.
import type pg from 'pg';
import { area, type CheckResult } from './check.ts';

const r = area('database role');

/** graphile-worker's private tables: row-level security and no policy, so only their owner sees rows without ours. */
const QUEUE_TABLES = ['_private_jobs', '_private_job_queues', '_private_tasks', '_private_known_crontabs'];
const policyName: Record<string, string> = {
  _private_jobs: 'lixiao_app_jobs',
  _private_job_queues: 'lixiao_app_queues',
  _private_tasks: 'lixiao_app_tasks',
  _private_known_crontabs: 'lixiao_app_crontabs',
};

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function roleChecks(client: pg.Client): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const [me] = (
    await client.query<{ role: string; owner: boolean; bypass: boolean; superuser: boolean }>(
      `select current_user as role,
              coalesce((select tableowner = current_user from pg_tables where schemaname = 'public' and tablename = 'audit_event'), false) as owner,
              rolbypassrls as bypass, rolsuper as superuser
         from pg_roles where rolname = current_user`,
    )
  ).rows;
  const role = me!.role;
  if (me!.owner || me!.superuser) {
    results.push(
      r.warn(
        'grants',
        `the service connects as ${role}, ${me!.superuser ? 'a superuser' : 'the owner of the tables'}: it could lift the audit trail's guard`,
        'run the service as a role that does not own the tables, set up with the SQL of Deployment → Audit trail in the README, and migrate as the owner',
      ),
    );
    return results;
  }
  // Table by table: has_table_privilege with a list answers whether ANY of them is held, so each is asked alone.
  const missing = (
    await client.query<{ what: string }>(
      `select format('%s ON %I.%I', p.priv, n.nspname, c.relname) as what
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
         cross join lateral unnest(case when n.nspname = 'public' and c.relname = 'audit_event'
                                        then array['SELECT', 'INSERT'] else array['SELECT', 'INSERT', 'UPDATE', 'DELETE'] end) as p(priv)
        where c.relkind in ('r', 'p') and n.nspname in ('public', 'graphile_worker') and c.relname <> 'mikro_orm_migrations'
          and not has_table_privilege(current_user, c.oid, p.priv)
       union all
       select format('USAGE ON SEQUENCE %I.%I', n.nspname, c.relname) from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where c.relkind = 'S' and n.nspname in ('public', 'graphile_worker')
          and not has_sequence_privilege(current_user, c.oid, 'USAGE')
       union all
       select format('USAGE ON SCHEMA %I', n.nspname) from pg_namespace n
        where n.nspname in ('public', 'graphile_worker') and not has_schema_privilege(current_user, n.oid, 'USAGE')
       union all
       select format('EXECUTE ON FUNCTION %I.%I', n.nspname, p.proname) from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname = 'graphile_worker' and p.proname in ('add_job', 'add_jobs', 'remove_job', 'complete_jobs', 'permanently_fail_jobs', 'reschedule_jobs')
          and not has_function_privilege(current_user, p.oid, 'EXECUTE')
        order by 1`,
    )
  ).rows.map((x) => x.what);
  results.push(
    missing.length
      ? r.fail(
          'grants',
          `${role} lacks ${missing.length > 8 ? `${missing.slice(0, 8).join(', ')} and ${missing.length - 8} more` : missing.join(', ')}`,
          `as the tables' owner, run the GRANT lines of Deployment → Audit trail in the README for ${role} (again after an upgrade that added tables)`,
        )
      : r.pass('grants', `${role} reads and writes every table and sequence of public and graphile_worker`),
  );
  const [trail] = (
    await client.query<{ rewrite: string[] }>(
      `select array_remove(array[
                case when has_table_privilege(current_user, c.oid, 'UPDATE') then 'UPDATE' end,
                case when has_table_privilege(current_user, c.oid, 'DELETE') then 'DELETE' end,
                case when has_table_privilege(current_user, c.oid, 'TRUNCATE') then 'TRUNCATE' end], null) as rewrite
         from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relname = 'audit_event'`,
    )
  ).rows;
  if (trail?.rewrite.length)
    results.push(
      r.fail(
        'audit trail',
        `${role} may ${trail.rewrite.join(', ')} audit_event`,
        `REVOKE UPDATE, DELETE, TRUNCATE ON audit_event FROM ${ident(role)};`,
      ),
    );
  else if (trail) results.push(r.pass('audit trail', `${role} cannot rewrite audit_event`));
  if (me!.bypass) {
    results.push(r.pass('queue policies', `${role} bypasses row-level security`));
    return results;
  }
  const unpoliced = (
    await client.query<{ name: string }>(
      `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'graphile_worker' and c.relname = any($1::text[]) and c.relrowsecurity
          and not exists (select 1 from pg_policies p where p.schemaname = 'graphile_worker' and p.tablename = c.relname
                            and (current_user = any(p.roles) or 'public' = any(p.roles)
                                 or exists (select 1 from unnest(p.roles) pr where pg_has_role(current_user, pr, 'MEMBER'))))
        order by 1`,
      [QUEUE_TABLES],
    )
  ).rows.map((x) => x.name);
  results.push(
    unpoliced.length
      ? r.fail(
          'queue policies',
          `graphile-worker's ${unpoliced.join(', ')} ${unpoliced.length > 1 ? 'have' : 'has'} row-level security and no policy for ${role}: the worker sees no jobs there`,
          unpoliced
            .map(
              (t) =>
                `CREATE POLICY ${policyName[t]} ON graphile_worker.${t} TO ${ident(role)} USING (true) WITH CHECK (true);`,
            )
            .join(' '),
        )
      : r.pass('queue policies', `${role} has a policy on each of graphile-worker's tables`),
  );
  return results;
}
