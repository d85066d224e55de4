// lixiao doctor against a real database, a running service and the fake platforms: every failure it claims to detect.
import { migrationsList } from '../migrations/index.ts';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createHttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import pg from 'pg';
import { freshDb, type TestDb } from './support/db.ts';
import { withDatabase } from './support/global-setup.ts';
import { seedSeason, STAFF_CSV } from './support/season.ts';
import { startFakeFeishu, type FakeFeishu } from './support/fake-feishu.ts';
import { startFakeWecom, UNTRUSTED_FROM_IP, type FakeWecom } from './support/fake-wecom.ts';
import { createServer, handlerDeps } from '../bot/server.ts';
import { createFeishu } from '../bot/feishu/index.ts';
import { createWecom } from '../bot/wecom/index.ts';
import { importStaff } from '../src/imports/staff.ts';
import { ConfigError, loadConfig } from '../src/config.ts';
import { createLogger } from '../src/log.ts';
import { runDoctor, exitCode } from '../bot/doctor/run.ts';
import { versionCheck } from '../bot/doctor/database-checks.ts';
import type { CheckResult } from '../bot/doctor/check.ts';

const KEY = 'feishu-encrypt-key-for-doctor';
const WECOM = { corpId: 'ww1436e0e65a779aee', token: 'QDG6eK', aesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C' };
const role = `lixiao_doctor_app_${process.pid}`;
const log = createLogger('silent');
let db: TestDb;
let appUrl: string;
let fakeFeishu: FakeFeishu;
let fakeWecom: FakeWecom;
let serviceUrl: string;
let httpsUrl: string;
const servers: Server[] = [];
const certDir = mkdtempSync(join(tmpdir(), 'lixiao-doctor-'));

/** The whole staff roster: the test roster plus handlers for every college and campus it leaves out. */
const FULL_STAFF = [
  STAFF_CSV,
  '教务总,handler,academic_secretary,*,,sec-all',
  '工作组总,handler,student_work,*,,sw-all',
  '党委总,handler,party,*,,party-all',
  '宿管B,handler,dormitory,*,B区,dorm-b',
].join('\n');

/** The SQL of the README's audit-trail paragraph, for this run's role; `policies: false` leaves out the CREATE POLICY lines. */
function documentedSetup(policies = true): string {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const block = /\*\*Audit trail\*\*[\s\S]*?```sql\n([\s\S]*?)```/.exec(readme)![1]!;
  return block
    .split('\n')
    .filter((line) => policies || !/CREATE POLICY/.test(line))
    .join('\n')
    .replace(/^\s+/gm, '')
    .replaceAll('lixiao_app', role);
}

const env = (extra: Record<string, string> = {}) => ({
  DATABASE_URL: appUrl,
  LIXIAO_PUBLIC_URL: serviceUrl,
  LIXIAO_CONSOLE: 'off',
  FEISHU_APP_ID: 'cli_a1b2c3d4e5f60718',
  FEISHU_APP_SECRET: 'fake-secret',
  FEISHU_ENCRYPT_KEY: KEY,
  FEISHU_BASE_URL: fakeFeishu.url,
  WECOM_CORP_ID: WECOM.corpId,
  WECOM_AGENT_ID: '1000002',
  WECOM_SECRET: 'fake-wecom-secret',
  WECOM_TOKEN: WECOM.token,
  WECOM_ENCODING_AES_KEY: WECOM.aesKey,
  WECOM_BASE_URL: fakeWecom.url,
  ...extra,
});

const doctor = (extra: Record<string, string> = {}, now?: () => number) => runDoctor({ env: env(extra), now });
const check = (results: CheckResult[], area: string, name: string) => {
  const found = results.find((r) => r.area === area && r.name === name);
  if (!found) throw new Error(`no check ${area} / ${name} in ${JSON.stringify(results.map((r) => r.name))}`);
  return found;
};
const statusOf = (results: CheckResult[], area: string, name: string) => check(results, area, name).status;

function lixiao(args: string[], extraEnv: Record<string, string>): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile('node', ['bin/lixiao.js', ...args], { env: { PATH: process.env.PATH, ...extraEnv } }, (err, stdout) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout }),
    );
  });
}

async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise((r) => server.once('listening', r));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 9);
  await importStaff(db.orm.em.fork(), db.wf, FULL_STAFF, 'staff.csv');
  await db.sql(`update person set feishu_open_id = 'ou_' || wecom_userid where wecom_userid is not null`);
  await db.sql(documentedSetup());
  const url = new URL(db.url);
  url.username = role;
  url.password = '...'; // as the README's CREATE ROLE sets it
  appUrl = url.href;
  fakeFeishu = await startFakeFeishu();
  fakeWecom = await startFakeWecom();
  // the service as deployed: Feishu and WeCom on, over plain HTTP and over HTTPS with a certificate of its own
  const config = loadConfig(env());
  const hd = handlerDeps({ orm: db.orm, wf: db.wf, config, log });
  const app = createServer({
    orm: db.orm,
    wf: db.wf,
    config,
    log,
    feishu: createFeishu(config.feishu!, hd, log),
    wecom: createWecom(config.wecom!, hd, log),
  });
  serviceUrl = `http://127.0.0.1:${await listen(app.listen(0, '127.0.0.1'))}`;
  execFileSync(
    'openssl',
    [
      ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'],
      ...[
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(certDir, 'key.pem'),
        '-out',
        join(certDir, 'cert.pem'),
      ],
    ],
    { stdio: 'ignore' },
  );
  const tls = { key: readFileSync(join(certDir, 'key.pem')), cert: readFileSync(join(certDir, 'cert.pem')) };
  const handle = app.callback();
  // Koa's handler answers its own errors: nothing waits on its promise
  const https = createHttpsServer(tls, (req, res) => void handle(req, res));
  httpsUrl = `https://127.0.0.1:${await listen(https.listen(0, '127.0.0.1'))}`;
});
afterAll(async () => {
  for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
  await fakeFeishu?.close();
  await fakeWecom?.close();
  await db.close(); // drops the database, and with it the role's grants and policies
  const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await admin.connect();
  await admin.query(`drop role if exists ${role}`);
  await admin.end();
});

describe('lixiao doctor', () => {
  it('passes a deployment done as the README says, but for what the server itself lacks; exit code and --json', async () => {
    const cliEnv = { ...env({ LIXIAO_PUBLIC_URL: httpsUrl }), NODE_EXTRA_CA_CERTS: join(certDir, 'cert.pem') };
    const json = await lixiao(['doctor', '--json'], cliEnv);
    const out = JSON.parse(json.stdout);
    // This machine's PostgreSQL runs with autovacuum off (a CI setting, server-wide): the doctor rightly fails that
    // alone there, and the exit code follows. Wherever autovacuum is on, everything passes and the exit code is 0.
    const { autovacuum } = (await db.sql<{ autovacuum: string }>('show autovacuum'))[0]!;
    const serverFailures =
      autovacuum === 'on'
        ? []
        : [
            expect.objectContaining({
              area: 'database',
              name: 'autovacuum',
              detail: 'autovacuum = off, track_counts = on',
            }),
          ];
    expect(out.checks.filter((c: CheckResult) => c.status !== 'pass')).toEqual(serverFailures);
    expect(json.code).toBe(serverFailures.length ? 1 : 0);
    expect(out).toMatchObject({
      ok: !serverFailures.length,
      summary: { fail: serverFailures.length, warn: 0, skip: 0 },
    });
    expect(Object.keys(out.checks[0])).toEqual(['area', 'name', 'status', 'detail']);
    expect([...new Set(out.checks.map((c: CheckResult) => c.area))]).toEqual([
      'configuration',
      'database',
      'database role',
      'time',
      'public URL',
      'feishu',
      'wecom',
      'season',
    ]);
    const text = await lixiao(['doctor'], cliEnv);
    expect(text.code).toBe(json.code);
    expect(text.stdout).toMatch(
      new RegExp(`^lixiao doctor: ${serverFailures.length} failed, 0 warnings, \\d+ passed, 0 skipped\n`),
    );
    expect(text.stdout).toContain(
      '  PASS permission: look people up by email / mobile: contact:user.id:readonly granted',
    );
  }, 180_000); // it starts the command line, which on a loaded 2-core machine takes seconds each time

  it('says what is wrong with the configuration in start-up’s words, exit 1; a bad option is exit 2', async () => {
    const half = { FEISHU_APP_ID: 'cli_a1b2c3d4e5f60718' };
    const startup = (() => {
      try {
        loadConfig(half);
      } catch (e) {
        return (e as ConfigError).message;
      }
    })();
    const cli = await lixiao(['doctor'], half);
    expect(cli.code).toBe(1);
    expect(cli.stdout).toContain(`  FAIL environment: ${startup}\n       fix: `);
    expect(cli.stdout).toMatch(/^lixiao doctor: 1 failed, 0 warnings, 0 passed, 7 skipped/);
    expect((await lixiao(['doctor', '--bogus'], {})).code).toBe(2);

    const results = await doctor({ LIXIAO_API_TOKENS: 'libary:0123456789abcdef0', LIXIAO_CONSOLE: 'on' });
    expect(check(results, 'configuration', 'API tokens')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/^LIXIAO_API_TOKENS names steps the workflow does not have: libary \(steps: /),
    });
    expect(statusOf(results, 'configuration', 'local console')).toBe('warn');
    const workflow = await runDoctor({ env: { LIXIAO_WORKFLOW: '/nonexistent/workflow.yaml' } });
    expect(check(workflow, 'configuration', 'workflow')).toMatchObject({ status: 'fail' });
    expect(exitCode(workflow)).toBe(1);
  }, 180_000); // it starts the command line, which on a loaded 2-core machine takes seconds each time

  it('finds a database it cannot reach, an old server, pending migrations, autovacuum off, lost generic plans', async () => {
    const down = await doctor({ DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' });
    expect(check(down, 'database', 'reachable')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/ECONNREFUSED/),
    });
    expect(down.some((r) => r.area === 'season' || r.area === 'time')).toBe(false);

    expect(versionCheck(120022, '12.22').status).toBe('fail');
    expect(versionCheck(150020, '15.20').status).toBe('pass');

    const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
    await admin.connect();
    const empty = `lixiao_doctor_empty_${process.pid}`;
    await admin.query(`create database ${empty}`);
    try {
      const fresh = await doctor({ DATABASE_URL: withDatabase(inject('pgAdminUrl'), empty) });
      expect(check(fresh, 'database', 'migrations')).toMatchObject({
        status: 'fail',
        detail: expect.stringMatching(
          new RegExp(
            `^${migrationsList.length} of ${migrationsList.length} pending: Migration20261127000000_initial, .*; the job queue schema \\(graphile_worker\\) is missing$`,
          ),
        ),
        fix: 'run `npx lixiao migrate` as the role that owns the tables',
      });
      expect(check(fresh, 'season', 'all')).toMatchObject({
        status: 'skip',
        detail: 'skipped: the migrations check did not pass',
      });
    } finally {
      await admin.query(`drop database if exists ${empty} with (force)`);
      await admin.end();
    }

    await db.sql('alter table inbound_event set (autovacuum_enabled = false)');
    try {
      const off = check(await doctor(), 'database', 'autovacuum');
      expect(off).toMatchObject({
        status: 'fail',
        detail: expect.stringMatching(/(^|; )autovacuum is turned off on public\.inbound_event$/),
        fix: expect.stringMatching(/ALTER TABLE public\.inbound_event RESET \(autovacuum_enabled\);$/),
      });
      await db.sql(/ALTER TABLE [^;]+;/.exec(off.fix!)![0]); // the fix, as printed
    } finally {
      await db.sql('alter table inbound_event reset (autovacuum_enabled)');
    }
    expect(check(await doctor(), 'database', 'autovacuum').detail).not.toMatch(/inbound_event/);

    const overridden = new URL(appUrl);
    overridden.searchParams.set('options', '-c plan_cache_mode=auto');
    const plans = check(await doctor({ DATABASE_URL: overridden.href }), 'database', 'plan_cache_mode');
    expect(plans).toMatchObject({ status: 'warn', detail: expect.stringMatching(/^auto in a session/) });
  });

  it('finds a clock more than 30 s off the database’s', async () => {
    const ahead = check(await doctor({}, () => Date.now() + 45_000), 'time', 'clock skew');
    expect(ahead).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/^this machine's clock is 4\d\.\d s ahead of/),
    });
    expect(statusOf(await doctor({}, () => Date.now() - 20_000), 'time', 'clock skew')).toBe('pass');
  });

  it('checks the application role: the owner, missing grants, a trail it could rewrite, missing queue policies', async () => {
    const owner = check(await doctor({ DATABASE_URL: db.url }), 'database role', 'grants');
    expect(owner).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/a superuser: it could lift the audit trail's guard$/),
    });

    const bare = `${role}_bare`;
    await db.sql(`create role ${bare} login password '...'`);
    const bareUrl = new URL(appUrl);
    bareUrl.username = bare;
    try {
      const results = await doctor({ DATABASE_URL: bareUrl.href });
      expect(check(results, 'database role', 'grants')).toMatchObject({
        status: 'fail',
        detail: expect.stringMatching(new RegExp(`^${bare} lacks DELETE ON graphile_worker\\._private_job_queues, `)),
      });
      expect(check(results, 'database role', 'queue policies').status).toBe('fail');
      // what the role cannot read fails that check, not the doctor
      expect(check(results, 'database', 'migrations')).toMatchObject({
        status: 'fail',
        detail: 'could not be checked: permission denied for table mikro_orm_migrations',
      });
      expect(statusOf(results, 'time', 'clock skew')).toBe('pass');
      expect(statusOf(results, 'season', 'all')).toBe('skip');
    } finally {
      await db.sql(`drop owned by ${bare}`);
      await db.sql(`drop role ${bare}`);
    }

    await db.sql(`grant update on audit_event to ${role}`);
    const trail = check(await doctor(), 'database role', 'audit trail');
    expect(trail).toMatchObject({ status: 'fail', detail: `${role} may UPDATE audit_event` });
    await db.sql(trail.fix!);
    expect(statusOf(await doctor(), 'database role', 'audit trail')).toBe('pass');

    await db.sql(`drop policy ${role}_jobs on graphile_worker._private_jobs`);
    await db.sql(`drop policy ${role}_tasks on graphile_worker._private_tasks`);
    const policies = check(await doctor(), 'database role', 'queue policies');
    expect(policies).toMatchObject({
      status: 'fail',
      detail: `graphile-worker's _private_jobs, _private_tasks have row-level security and no policy for ${role}: the worker sees no jobs there`,
    });
    await db.sql(policies.fix!);
    expect(statusOf(await doctor(), 'database role', 'queue policies')).toBe('pass');
  });

  it('checks the public URL: HTTPS, and that it reaches this service', async () => {
    const plain = await doctor();
    expect(check(plain, 'public URL', 'HTTPS')).toMatchObject({ status: 'fail', fix: expect.stringMatching(/TLS/) });
    expect(statusOf(plain, 'public URL', 'reachable')).toBe('pass');
    const closed = createHttpsServer().listen(0, '127.0.0.1');
    await new Promise((r) => closed.once('listening', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const nothing = await doctor({ LIXIAO_PUBLIC_URL: `http://127.0.0.1:${port}` });
    expect(check(nothing, 'public URL', 'reachable')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/ECONNREFUSED/),
    });
    const redirecting = createHttpServer((_req, res) =>
      res.writeHead(301, { location: 'https://lixiao.example.edu.cn/healthz' }).end(),
    );
    const redirectUrl = `http://127.0.0.1:${await listen(redirecting.listen(0, '127.0.0.1'))}`;
    expect(check(await doctor({ LIXIAO_PUBLIC_URL: redirectUrl }), 'public URL', 'reachable')).toMatchObject({
      status: 'fail',
      detail: `${redirectUrl}/healthz redirects to https://lixiao.example.edu.cn/healthz`,
    });
    const other = await doctor({ LIXIAO_PUBLIC_URL: fakeFeishu.url });
    expect(check(other, 'public URL', 'reachable')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/answered 400 .*: not this service$/),
    });
  });

  it('checks Feishu: credentials, the bot, each permission, the challenge, the long connection', async () => {
    const wrong = await doctor({ FEISHU_APP_SECRET: 'not-the-secret' });
    expect(check(wrong, 'feishu', 'token')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/code 10014 app secret invalid/),
    });
    expect(wrong.some((r) => r.name.startsWith('permission'))).toBe(false);

    fakeFeishu.botEnabled = false;
    fakeFeishu.scopes.delete('contact:user.id:readonly');
    fakeFeishu.scopes.set('im:message', 2);
    try {
      const results = await doctor();
      expect(statusOf(results, 'feishu', 'bot')).toBe('fail');
      expect(check(results, 'feishu', 'permission: look people up by email / mobile')).toMatchObject({
        status: 'fail',
        detail: 'contact:user.id:readonly not requested',
        fix: 'add contact:user.id:readonly under 权限管理, then publish a version for the admin to approve',
      });
      expect(check(results, 'feishu', 'permission: update (patch) cards the bot sent')).toMatchObject({
        status: 'fail',
        detail: 'im:message requested but not granted by the admin',
      });
      expect(statusOf(results, 'feishu', 'permission: send messages as the bot')).toBe('pass');
      expect(statusOf(results, 'feishu', 'permission: receive the messages people send the bot')).toBe('pass');
    } finally {
      fakeFeishu.botEnabled = true;
      fakeFeishu.scopes.set('contact:user.id:readonly', 1).set('im:message', 1);
    }

    const otherKey = check(await doctor({ FEISHU_ENCRYPT_KEY: 'another-key' }), 'feishu', 'event and callback URL');
    expect(otherKey).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/answered 401 /),
      fix: expect.stringMatching(/FEISHU_ENCRYPT_KEY/),
    });
    expect(statusOf(await doctor(), 'feishu', 'event and callback URL')).toBe('pass');

    expect(statusOf(await doctor({ FEISHU_MODE: 'ws' }), 'feishu', 'long connection')).toBe('pass');
    fakeFeishu.wsEndpoint = { code: 1000040350 };
    expect(check(await doctor({ FEISHU_MODE: 'ws' }), 'feishu', 'long connection')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/^callback\/ws\/endpoint: code 1000040350/),
      fix: expect.stringMatching(/使用长连接接收事件/),
    });
    fakeFeishu.wsEndpoint = { code: 0, url: 'ws://127.0.0.1:1/ws?device_id=x' };
    expect(check(await doctor({ FEISHU_MODE: 'ws' }), 'feishu', 'long connection')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/ECONNREFUSED/),
    });
    fakeFeishu.wsEndpoint = { code: 0 };
  });

  it('checks WeCom: credentials, the trusted IP (60020) explained, the agent id, the callback echo', async () => {
    expect(check(await doctor({ WECOM_SECRET: 'not-the-secret' }), 'wecom', 'token')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/^gettoken: errcode 40001 /),
      fix: expect.stringMatching(/WECOM_SECRET/),
    });
    fakeWecom.failNext(1, '60020');
    expect(check(await doctor(), 'wecom', 'app and trusted IP')).toMatchObject({
      status: 'fail',
      detail: `errcode 60020: WeCom refuses API calls from ${UNTRUSTED_FROM_IP}, which is not in the app's trusted IPs (required of apps created after 2022-06-20)`,
      fix: expect.stringMatching(new RegExp(`^add ${UNTRUSTED_FROM_IP.replaceAll('.', '\\.')} under .*企业可信IP`)),
    });
    expect(check(await doctor({ WECOM_AGENT_ID: '1000003' }), 'wecom', 'app and trusted IP')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/errcode 40056/),
    });
    expect(check(await doctor({ WECOM_TOKEN: 'another' }), 'wecom', 'callback URL')).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/answered 401 bad signature/),
    });
    expect(statusOf(await doctor(), 'wecom', 'callback URL')).toBe('pass');
  });

  it('checks the season: people without ids, steps without handlers somewhere, handlers nobody can reach', async () => {
    await db.sql(
      `update assignment set ended_at = now() where person_id = (select id from person where wecom_userid = 'dorm-b')`,
    );
    await db.sql(
      `update person set wecom_userid = null, feishu_open_id = null where wecom_userid in ('stu3', 'library')`,
    );
    try {
      const results = await doctor();
      expect(check(results, 'season', 'platform ids')).toMatchObject({
        status: 'fail',
        detail: expect.stringMatching(/^2 people of season \S+ have no platform id: 图书馆员, 202100003 学生3$/),
      });
      // students 1, 4, 7 are the B区 ones (student i: college i % 3, campus i % 3), all in the second college
      expect(check(results, 'season', 'handlers everywhere')).toMatchObject({
        status: 'fail',
        detail:
          'steps without a handler for some students: dormitory (学生公寓管理中心): 机械与运载工程学院 B区 (3 students)',
      });
      expect(check(results, 'season', 'handlers reachable')).toMatchObject({
        status: 'fail',
        detail: '1 handlers have no feishu_open_id or wecom_userid, so no card reaches them: 图书馆员 (library)',
      });
    } finally {
      await db.sql(
        `update assignment set ended_at = null where person_id = (select id from person where name = '宿管B')`,
      );
      await db.sql(`update person set wecom_userid = 'library', feishu_open_id = 'ou_library' where name = '图书馆员'`);
      await db.sql(`update person set wecom_userid = 'stu3', feishu_open_id = 'ou_stu3' where name = '学生3'`);
    }
    const fixed = await doctor();
    for (const name of ['platform ids', 'handlers everywhere', 'handlers reachable'])
      expect(statusOf(fixed, 'season', name)).toBe('pass');
  });
});
