import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDb, type TestDb } from '../support/db.ts';
import { seedSeason, studentNo } from '../support/season.ts';
import { startServer, type TestServer } from '../support/http.ts';
import { complete, tampered } from './support.ts';

const PUBLIC_URL = 'http://lixiao.test';
let db: TestDb;
let server: TestServer;
const dir = mkdtempSync(join(tmpdir(), 'lixiao-cert-cli-'));

function lixiao(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      'node',
      ['bin/lixiao.js', ...args],
      {
        env: {
          ...process.env,
          DATABASE_URL: db.url,
          LOG_LEVEL: 'warn',
          LIXIAO_PUBLIC_URL: PUBLIC_URL,
          LIXIAO_SIGNING_SECRET: 'a secret for the tests, 32 chars',
          ...env,
        },
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}
const online = async (token: string) =>
  (await fetch(`${server.url}/v/${token}`, { headers: { accept: 'application/json' } })).json();

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 6);
  await complete(db, studentNo(0));
  server = await startServer(db, { LIXIAO_PUBLIC_URL: PUBLIC_URL });
});
afterAll(async () => {
  await server.close();
  await db.close();
});

// Each command is a new Node process (some seconds on a busy 2-core machine): the tests get minutes, not seconds.
describe('npx lixiao certificate / verify / keys', { timeout: 180_000 }, () => {
  let token = '';
  let url = '';

  it('certificate --json: not_complete, then issued with url and token, exactly those keys', async () => {
    const open = await lixiao(['certificate', studentNo(1), '--json']);
    expect(open.code).toBe(0);
    expect(JSON.parse(open.stdout)).toEqual({ student_no: studentNo(1), status: 'not_complete' });
    const done = await lixiao(['certificate', studentNo(0), '--json']);
    expect(done.code).toBe(0);
    const json = JSON.parse(done.stdout);
    expect(Object.keys(json)).toEqual(['student_no', 'status', 'url', 'token']);
    expect(json).toMatchObject({ student_no: studentNo(0), status: 'issued' });
    expect(json.url).toBe(`${PUBLIC_URL}/v/${json.token}`);
    ({ token, url } = json);
    expect(await online(token)).toMatchObject({ status: 'valid', student_no: studentNo(0), name: '学生0' });
    expect(await lixiao(['certificate', '000000000', '--json'])).toMatchObject({ code: 1, stdout: '' });
  });

  it('verify: exit 0 with the student number for the token or its URL, exit 1 for a changed one', async () => {
    const ok = await lixiao(['verify', token]);
    expect(ok.code).toBe(0);
    expect(ok.stdout.split('\n')[0]).toMatch(
      new RegExp(`^valid signature \\(key [\\w-]{43}\\): ${studentNo(0)} 学生0$`),
    );
    expect((await lixiao(['verify', url, '--json'])).stdout).toContain(`"student_no":"${studentNo(0)}"`);
    const bad = await lixiao(['verify', tampered(token, 97)[2]!]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^lixiao: invalid certificate: /);
  });

  it('verify --keys FILE needs no database: the JWKS that `keys` prints is enough', async () => {
    const keys = await lixiao(['keys']);
    expect(keys.code).toBe(0);
    const jwks = JSON.parse(keys.stdout);
    expect(jwks.keys).toHaveLength(1);
    const file = join(dir, 'lixiao-keys.json');
    writeFileSync(file, keys.stdout);
    const noDb = { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/nothing' };
    expect(await lixiao(['verify', '--keys', file, url], noDb)).toMatchObject({ code: 0 });
    expect((await lixiao(['verify', '--keys', file, tampered(token, 13)[5]!], noDb)).code).toBe(1);
    // The keys served at /v/keys, by URL.
    expect((await lixiao(['verify', '--keys', `${server.url}/v/keys`, token], noDb)).code).toBe(0);
    const garbage = join(dir, 'garbage.json');
    writeFileSync(garbage, '{"nope":1}');
    expect(await lixiao(['verify', '--keys', garbage, token], noDb)).toMatchObject({ code: 1 });
  });

  it('decide revoke: the same URL says revoked at once, and certificate --json says revoked', async () => {
    // An administrator re-opening the library step of a finished student un-finishes them: 研工办's pass goes first.
    const revoked = await lixiao(['decide', 'revoke', '--step', 'library', studentNo(0)]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain('1 final passes revoked first');
    expect(await online(token)).toMatchObject({ status: 'revoked', student_no: studentNo(0) });
    const status = JSON.parse((await lixiao(['status', studentNo(0), '--json'])).stdout) as {
      steps: { key: string; status: string }[];
    };
    expect(
      status.steps.filter((st) => st.key === 'library' || st.key === 'grad_office').map((st) => st.status),
    ).toEqual(['pending', 'pending']);
    expect(JSON.parse((await lixiao(['certificate', studentNo(0), '--json'])).stdout)).toEqual({
      student_no: studentNo(0),
      status: 'revoked',
    });
    // Offline, the signature is still good: revocation is known only online (the README says so).
    expect((await lixiao(['verify', token])).code).toBe(0);
  });

  it('keys rotate: the old certificate still verifies by its kid; a re-issued one is signed with the new key', async () => {
    const rotated = await lixiao(['keys', 'rotate']);
    expect(rotated.code).toBe(0);
    const [, newKid, oldKid] = /^new signing key ([\w-]+); ([\w-]+) retired/.exec(rotated.stdout)!;
    expect((await lixiao(['verify', token])).code).toBe(0);
    expect((await lixiao(['decide', 'pass', '--step', 'library', studentNo(0)])).code).toBe(0);
    expect((await lixiao(['decide', 'pass', '--step', 'grad_office', studentNo(0)])).code).toBe(0);
    const again = JSON.parse((await lixiao(['certificate', studentNo(0), '--json'])).stdout);
    expect(again.status).toBe('issued');
    expect(again.token).not.toBe(token);
    expect(JSON.parse(Buffer.from(again.token.split('.')[0], 'base64url').toString()).kid).toBe(newKid);
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid).toBe(oldKid);
    expect((await online(again.token)).status).toBe('valid');
    expect((await online(token)).status).toBe('revoked');
    const jwks = JSON.parse((await lixiao(['keys'])).stdout);
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toEqual([oldKid, newKid]);
  });

  it('a wrong LIXIAO_SIGNING_SECRET issues nothing and says why', async () => {
    await complete(db, studentNo(2));
    const r = await lixiao(['certificate', studentNo(2), '--json'], {
      LIXIAO_SIGNING_SECRET: 'not the secret it was sealed with',
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('LIXIAO_SIGNING_SECRET is not the secret it was stored with');
    expect(
      await db.sql(
        'select count(*)::int as n from certificate c join student s on s.id = c.student_id where s.student_no = $1',
        [studentNo(2)],
      ),
    ).toEqual([{ n: 0 }]);
  });
});
