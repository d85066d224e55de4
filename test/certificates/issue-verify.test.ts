import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync, createHmac } from 'node:crypto';
import { freshDb, type TestDb } from '../support/db.ts';
import { seedSeason, studentNo } from '../support/season.ts';
import { startServer, type TestServer } from '../support/http.ts';
import { certificateFor } from '../../src/certificates/issue.ts';
import { Signer } from '../../src/certificates/signing-keys.ts';
import { publicKeys } from '../../src/certificates/public-keys.ts';
import { parseCompact, signCompact, thumbprint, publicX } from '../../src/certificates/jws.ts';
import { verifyOffline, tokenFrom } from '../../src/certificates/offline.ts';
import { complete, decideAs, tampered } from './support.ts';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { createServer } from '../../bot/server.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';

const PUBLIC_URL = 'http://lixiao.test';
let db: TestDb;
let server: TestServer;
const signer = new Signer({});
const em = () => db.orm.em.fork();
const issue = (no: string, s = signer) => certificateFor(em(), s, PUBLIC_URL, no);
const online = async (token: string) => {
  const res = await fetch(`${server.url}/v/${token}`, { headers: { accept: 'application/json' } });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
};

beforeAll(async () => {
  db = await freshDb();
  await seedSeason(db, 12);
  server = await startServer(db, { LIXIAO_PUBLIC_URL: PUBLIC_URL });
});
afterAll(async () => {
  await server.close();
  await db.close();
});

describe('issuing', () => {
  it('is refused until every step has passed, then issues one certificate and hands the same one out again', async () => {
    const no = studentNo(0);
    expect(await issue(no)).toMatchObject({ status: 'not_complete', student_no: no });
    await complete(db, no);
    const first = await issue(no);
    expect(first).toMatchObject({ status: 'issued', student_no: no, name: '学生0' });
    expect(first!.url).toBe(`${PUBLIC_URL}/v/${first!.token}`);
    expect((await issue(no))!.token).toBe(first!.token);
    expect(await db.sql('select count(*)::int as n from certificate')).toEqual([{ n: 1 }]);

    // A standard JWS: EdDSA with the key's id, a JWT whose claims state the facts printed on the page.
    const jws = parseCompact(first!.token!);
    if (!jws.ok) throw new Error(jws.reason);
    const keys = await publicKeys(em());
    expect(jws.header).toEqual({ alg: 'EdDSA', typ: 'JWT', kid: keys[0]!.kid });
    expect(keys[0]!.kid).toBe(thumbprint(keys[0]!.x));
    const [passedLast] = await db.sql<{ at: Date }>(
      `select max(decided_at) as at from clearance c join student s on s.id = c.student_id where s.student_no = $1`,
      [no],
    );
    expect(jws.payload).toMatchObject({
      iss: PUBLIC_URL,
      student_no: no,
      name: '学生0',
      college: '计算机学院',
      degree: '硕士',
      exit_type: '毕业',
      season: String(new Date().getFullYear()),
      completed_at: passedLast!.at.toISOString(),
    });
  });

  it('ten requests at once issue one certificate', async () => {
    const no = studentNo(1);
    await complete(db, no);
    const all = await Promise.all(Array.from({ length: 10 }, () => issue(no)));
    expect(new Set(all.map((c) => c!.token)).size).toBe(1);
    expect(
      await db.sql(
        'select count(*)::int as n from certificate c join student s on s.id = c.student_id where s.student_no = $1',
        [no],
      ),
    ).toEqual([{ n: 1 }]);
  });

  it('an unknown student number is null, not an error', async () => {
    expect(await issue('000000000')).toBeNull();
  });
});

describe('verification', () => {
  it('online: the page names the student; JSON gives status, student_no, name, completed_at', async () => {
    const c = (await issue(studentNo(0)))!;
    const page = await fetch(`${server.url}/v/${c.token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('学生0');
    expect(html).toContain('data-status="valid"');
    const json = await online(c.token!);
    expect(Object.keys(json).slice(0, 4)).toEqual(['status', 'student_no', 'name', 'completed_at']);
    expect(json).toMatchObject({
      status: 'valid',
      student_no: studentNo(0),
      name: '学生0',
      completed_at: c.claims!.completed_at,
    });
  });

  it('offline: the token or its URL verifies against the JWKS at /v/keys alone', async () => {
    const c = (await issue(studentNo(0)))!;
    const jwks = await (await fetch(`${server.url}/v/keys`)).json();
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' });
    expect(verifyOffline(tokenFrom(c.url!), jwks.keys)).toMatchObject({
      ok: true,
      claims: { student_no: studentNo(0) },
    });
    // Another deployment's keys do not verify it.
    const { publicKey } = generateKeyPairSync('ed25519');
    const stranger = {
      kty: 'OKP',
      crv: 'Ed25519',
      alg: 'EdDSA',
      use: 'sig',
      x: publicX(publicKey),
      kid: jwks.keys[0].kid,
    } as const;
    expect(verifyOffline(c.token!, [stranger])).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('a token with any one character changed is invalid, offline and online', async () => {
    const c = (await issue(studentNo(0)))!;
    const keys = await publicKeys(em());
    const variants = tampered(c.token!);
    expect(variants).toHaveLength(c.token!.length);
    const valid = variants.filter((t) => verifyOffline(t, keys).ok);
    expect(valid).toEqual([]);
    for (const t of tampered(c.token!, 37).concat(variants.slice(-3))) expect((await online(t)).status).toBe('invalid');
    const res = await online(c.token!.slice(0, -1));
    expect(res).toMatchObject({ status: 'invalid', student_no: null, name: null });
  });

  it('a token signed with alg none, with HMAC, or by a key not ours is invalid', async () => {
    const c = (await issue(studentNo(0)))!;
    const [, payload] = c.token!.split('.');
    const kid = (await publicKeys(em()))[0]!.kid;
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', kid })).toString('base64url')}.${payload}.`;
    const hsHeader = Buffer.from(JSON.stringify({ alg: 'HS256', kid })).toString('base64url');
    const hs = `${hsHeader}.${payload}.${createHmac('sha256', kid).update(`${hsHeader}.${payload}`).digest('base64url')}`;
    const { privateKey } = generateKeyPairSync('ed25519');
    const forged = signCompact(
      parseCompact(c.token!).ok ? (parseCompact(c.token!) as { payload: object }).payload : {},
      privateKey,
      kid,
    );
    for (const t of [none, hs, forged]) expect((await online(t)).status).toBe('invalid');
  });

  it('a page for an invalid token names nobody', async () => {
    const c = (await issue(studentNo(0)))!;
    const html = await (await fetch(`${server.url}/v/${tampered(c.token!, 50)[3]}`)).text();
    expect(html).toContain('data-status="invalid"');
    expect(html).not.toContain('学生0');
  });
});

describe('revocation and re-issue', () => {
  it('revoking 研工办 revokes the certificate in the same statement; completing again issues a new one', async () => {
    const no = studentNo(2);
    await complete(db, no);
    const old = (await issue(no))!;
    expect((await online(old.token!)).status).toBe('valid');

    // While 研工办 has passed, another step cannot be revoked (the final gate): nothing changes.
    expect(await decideAs(db, 'revoke', 'library', no)).toMatchObject({ outcome: 'invalid' });
    expect((await online(old.token!)).status).toBe('valid');

    expect(await decideAs(db, 'revoke', 'grad_office', no)).toMatchObject({ outcome: 'applied' });
    // No worker runs here: the revocation is the decision's own doing.
    expect(await online(old.token!)).toMatchObject({
      status: 'revoked',
      student_no: no,
      reason: 'reopened:grad_office',
    });
    const page = await (await fetch(`${server.url}/v/${old.token}`)).text();
    expect(page).toContain('data-status="revoked"');
    expect(page).toContain('研究生院研工办的办理结果被撤销');
    expect(await issue(no)).toMatchObject({ status: 'revoked' });

    await decideAs(db, 'revoke', 'library', no);
    await decideAs(db, 'pass', 'library', no);
    expect(await issue(no)).toMatchObject({ status: 'revoked' });
    await decideAs(db, 'pass', 'grad_office', no);
    const renewed = (await issue(no))!;
    expect(renewed.status).toBe('issued');
    expect(renewed.token).not.toBe(old.token);
    expect((await online(renewed.token!)).status).toBe('valid');
    expect((await online(old.token!)).status).toBe('revoked');
  });

  it('a corrected name supersedes the certificate', async () => {
    const no = studentNo(3);
    await complete(db, no);
    const old = (await issue(no))!;
    await db.sql(`update student set name = '学生叁' where student_no = $1`, [no]);
    const renewed = (await issue(no))!;
    expect(renewed.claims!.name).toBe('学生叁');
    expect(await online(old.token!)).toMatchObject({ status: 'revoked', reason: 'superseded' });
    expect((await online(renewed.token!)).status).toBe('valid');
  });

  it('a step that becomes open without a revoke (a changed exit type) stops the certificate at once', async () => {
    const no = studentNo(4);
    await complete(db, no);
    const c = (await issue(no))!;
    // A step added to the workflow later, say: a new pending row no trigger watches.
    await db.sql(
      `update clearance set status = 'pending', decided_at = null where step_key = 'loan' and student_id = (select id from student where student_no = $1)`,
      [no],
    );
    expect((await online(c.token!)).status).toBe('revoked');
  });
});

describe('the access log', () => {
  it('writes /v/<token>, never the token, which names its student', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const config = loadConfig({ DATABASE_URL: db.url, LIXIAO_PUBLIC_URL: PUBLIC_URL });
    const app = createServer({ orm: db.orm, wf: db.wf, config, log: createLogger('info', sink) });
    const logged = app.listen(0, '127.0.0.1');
    await new Promise((r) => logged.once('listening', r));
    const c = (await issue(studentNo(0)))!;
    await fetch(`http://127.0.0.1:${(logged.address() as AddressInfo).port}/v/${c.token}`);
    await new Promise((r) => logged.close(r));
    const request = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'request');
    expect(request).toMatchObject({ method: 'GET', path: '/v/<token>', status: 200 });
    expect(lines.join('')).not.toContain(c.token!.split('.')[1]!.slice(0, 30));
  });
});
