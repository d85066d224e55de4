import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDb, type TestDb } from '../support/db.ts';
import { seedSeason, studentNo } from '../support/season.ts';
import { certificateFor } from '../../src/certificates/issue.ts';
import { Signer } from '../../src/certificates/signing-keys.ts';
import { publicKeys } from '../../src/certificates/public-keys.ts';
import { checkOnline } from '../../src/certificates/check-online.ts';
import { verifyOffline } from '../../src/certificates/offline.ts';
import { publicX, thumbprint } from '../../src/certificates/jws.ts';
import { CertificateError } from '../../src/certificates/certificate-error.ts';
import { purgeSeason } from '../../src/seasons/purge-season.ts';
import { complete } from './support.ts';
import { loadConfig } from '../../src/config.ts';

const SECRET = 'correct horse battery staple 2026';
let db: TestDb;
const em = () => db.orm.em.fork();
const issue = (no: string, s: Signer) => certificateFor(em(), s, 'http://lixiao.test', no);
const keyRows = () =>
  db.sql<{ kid: string; private_key: Record<string, string> | null; source: string; retired_at: Date | null }>(
    'select kid, private_key, source, retired_at from signing_key order by created_at',
  );

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 9);
  for (const i of [0, 1, 2, 3, 4]) await complete(db, studentNo(i));
});
afterAll(() => db.close());

describe('the signing key', () => {
  it('is created on first use, stored sealed under LIXIAO_SIGNING_SECRET, and only the right secret opens it', async () => {
    expect(await keyRows()).toEqual([]);
    const c = (await issue(studentNo(0), new Signer({ secret: SECRET })))!;
    const [row] = await keyRows();
    expect(row).toMatchObject({ source: 'database', retired_at: null });
    expect(row!.private_key).toMatchObject({ alg: 'A256GCM', kdf: 'scrypt' });
    expect(JSON.stringify(row!.private_key)).not.toContain('pkcs8');
    // A new process with the same secret signs with the same key; without it, or with another, nothing is issued.
    expect((await issue(studentNo(1), new Signer({ secret: SECRET })))!.token!.split('.')[0]).toBe(
      c.token!.split('.')[0],
    );
    await expect(issue(studentNo(2), new Signer({}))).rejects.toThrow(
      /stored encrypted and LIXIAO_SIGNING_SECRET is not set/,
    );
    await expect(issue(studentNo(2), new Signer({ secret: 'another secret of length' }))).rejects.toThrow(
      CertificateError,
    );
    expect(await db.sql('select count(*)::int as n from certificate')).toEqual([{ n: 2 }]);
  });

  it('rotates: a new kid signs, the old private key is erased, and old certificates verify by their kid', async () => {
    const signer = new Signer({ secret: SECRET });
    const old = (await issue(studentNo(0), signer))!;
    const oldKid = (await keyRows())[0]!.kid;
    const { kid, retired } = await signer.rotate(em());
    expect(retired).toBe(oldKid);
    expect(kid).not.toBe(oldKid);
    const rows = await keyRows();
    expect(rows.map((r) => [r.kid, r.private_key === null, r.retired_at !== null])).toEqual([
      [oldKid, true, true],
      [kid, false, false],
    ]);
    const fresh = (await issue(studentNo(2), signer))!;
    expect(JSON.parse(Buffer.from(fresh.token!.split('.')[0]!, 'base64url').toString()).kid).toBe(kid);
    const keys = await publicKeys(em());
    expect(keys.map((k) => k.kid)).toEqual([oldKid, kid]);
    for (const t of [old.token!, fresh.token!]) {
      expect(verifyOffline(t, keys).ok).toBe(true);
      expect((await checkOnline(em(), t)).status).toBe('valid');
    }
    // With only the new key (a verifier that dropped the old one), the old certificate cannot be checked.
    expect(verifyOffline(old.token!, keys.slice(1))).toEqual({ ok: false, reason: `unknown key id ${oldKid}` });
  });

  it('from LIXIAO_SIGNING_KEY_FILE: signs with the file, records its public half, refuses to rotate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lixiao-key-'));
    const file = join(dir, 'signing.pem');
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(file, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    const signer = new Signer({ keyFile: file });
    const c = (await issue(studentNo(3), signer))!;
    const kid = thumbprint(publicX(privateKey));
    expect(JSON.parse(Buffer.from(c.token!.split('.')[0]!, 'base64url').toString()).kid).toBe(kid);
    expect((await keyRows()).find((r) => r.kid === kid)).toMatchObject({ source: 'file', private_key: null });
    expect((await checkOnline(em(), c.token!)).status).toBe('valid');
    await expect(signer.rotate(em())).rejects.toThrow(/put a new key in that file/);

    const rsa = join(dir, 'rsa.pem');
    writeFileSync(
      rsa,
      generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' }),
    );
    await expect(issue(studentNo(4), new Signer({ keyFile: rsa }))).rejects.toThrow(/holds a rsa key/);
    await expect(issue(studentNo(4), new Signer({ keyFile: join(dir, 'missing.pem') }))).rejects.toThrow(
      /LIXIAO_SIGNING_KEY_FILE .*missing\.pem/,
    );
  });
});

describe('when the key cannot be used', () => {
  it('a certificate due to be superseded stays in force until its replacement is signed', async () => {
    const no = studentNo(1);
    const c = (await issue(no, new Signer({ secret: SECRET })))!;
    await db.sql(`update student set name = '学生壹' where student_no = $1`, [no]);
    await expect(issue(no, new Signer({}))).rejects.toThrow(CertificateError);
    expect((await checkOnline(em(), c.token!)).status).toBe('valid');
    const renewed = (await issue(no, new Signer({ secret: SECRET })))!;
    expect(renewed.claims!.name).toBe('学生壹');
    expect(await checkOnline(em(), c.token!)).toMatchObject({ status: 'revoked', revokedReason: 'superseded' });
  });
});

describe('configuration', () => {
  it('refuses a secret shorter than 16 characters, naming the variable; reads both settings', () => {
    expect(() => loadConfig({ LIXIAO_SIGNING_SECRET: 'short' })).toThrow(
      /LIXIAO_SIGNING_SECRET: at least 16 characters/,
    );
    expect(loadConfig({ LIXIAO_SIGNING_SECRET: SECRET, LIXIAO_SIGNING_KEY_FILE: '/k.pem' }).signing).toEqual({
      secret: SECRET,
      keyFile: '/k.pem',
    });
  });
});

describe('purging the season', () => {
  it('revokes every certificate and forgets the tokens; the links then say revoked', async () => {
    const signer = new Signer({ secret: SECRET });
    const c = (await issue(studentNo(4), signer))!;
    await db.sql(`update clearance set status = 'passed' where status <> 'passed'`); // the season is over
    await purgeSeason(em(), db.wf, String(new Date().getFullYear()), { includeOpen: true });
    const rows = await db.sql<{ student_id: number | null; token: string | null; revoked_reason: string }>(
      'select student_id, token, revoked_reason from certificate',
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.student_id === null && r.token === null)).toBe(true);
    expect(await checkOnline(em(), c.token!)).toMatchObject({ status: 'revoked', revokedReason: 'purged' });
  });
});
