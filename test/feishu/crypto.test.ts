import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { feishuDecrypt, feishuSignature, tokenMatches } from '../../bot/feishu/crypto.ts';
import { FeishuRequestError, verifyFeishuRequest } from '../../bot/feishu/verify.ts';
import { feishuEncrypt, feishuRequest } from '../support/feishu-sign.ts';

describe('Feishu crypto', () => {
  it('decrypts the official test vector', () => {
    expect(feishuDecrypt('test key', 'P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=')).toBe('hello world');
  });

  it('signs sha256(timestamp + nonce + key + body) as hex', () => {
    // computed independently: printf '%s' '1700000000n1k{"a":1}' | sha256sum
    expect(feishuSignature('1700000000', 'n1', 'k', Buffer.from('{"a":1}'))).toBe(
      '260af7f5d58f5f6af3e9c39904d48433ee310e8c4df7989b5b950263274faac5',
    );
  });

  it('round-trips what the test helper encrypts', () => {
    expect(feishuDecrypt('my key', feishuEncrypt('my key', '{"x":"离校"}'))).toBe('{"x":"离校"}');
    expect(() => feishuDecrypt('other key', feishuEncrypt('my key', '{"x":1}'))).toThrow();
  });
});

const KEY = 'encrypt-key-for-tests';
const event = {
  schema: '2.0',
  header: { event_id: 'e1', event_type: 'im.message.receive_v1', token: 'vt' },
  event: {},
};
const refused = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FeishuRequestError);
    return (e as FeishuRequestError).status;
  }
  throw new Error('expected a refusal');
};

describe('verifying a callback', () => {
  it('accepts a signed, encrypted event and returns it decrypted', () => {
    const r = feishuRequest(event, KEY);
    const v = verifyFeishuRequest(
      r.body,
      {
        timestamp: r.headers['x-lark-request-timestamp'],
        nonce: r.headers['x-lark-request-nonce'],
        signature: r.headers['x-lark-signature'],
      },
      { encryptKey: KEY },
    );
    expect(v).toEqual({ kind: 'event', body: event });
  });

  it('refuses a bad signature, a tampered body and a stale timestamp with 401', () => {
    const r = feishuRequest(event, KEY);
    const h = {
      timestamp: r.headers['x-lark-request-timestamp'],
      nonce: r.headers['x-lark-request-nonce'],
      signature: r.headers['x-lark-signature'],
    };
    expect(refused(() => verifyFeishuRequest(r.body, { ...h, signature: '0'.repeat(64) }, { encryptKey: KEY }))).toBe(
      401,
    );
    const tampered = Buffer.from(r.body.toString().replace(/.$/, ' }'));
    expect(refused(() => verifyFeishuRequest(tampered, h, { encryptKey: KEY }))).toBe(401);
    const old = feishuRequest(event, KEY, Math.floor(Date.now() / 1000) - 301);
    expect(
      refused(() =>
        verifyFeishuRequest(
          old.body,
          {
            timestamp: old.headers['x-lark-request-timestamp'],
            nonce: old.headers['x-lark-request-nonce'],
            signature: old.headers['x-lark-signature'],
          },
          { encryptKey: KEY },
        ),
      ),
    ).toBe(401);
    expect(refused(() => verifyFeishuRequest(r.body, {}, { encryptKey: KEY }))).toBe(401);
  });

  it('answers the URL check encrypted with our key, and refuses one encrypted with another', () => {
    const challenge = { type: 'url_verification', challenge: 'abc123', token: 'vt' };
    const r = feishuRequest(challenge, KEY);
    expect(verifyFeishuRequest(r.body, {}, { encryptKey: KEY })).toEqual({ kind: 'challenge', challenge: 'abc123' });
    const other = feishuRequest(challenge, 'another key');
    expect(refused(() => verifyFeishuRequest(other.body, {}, { encryptKey: KEY }))).toBe(401);
  });

  it('without an encrypt key, checks the verification token', () => {
    const plain = Buffer.from(JSON.stringify(event));
    expect(verifyFeishuRequest(plain, {}, { verificationToken: 'vt' }).kind).toBe('event');
    expect(refused(() => verifyFeishuRequest(plain, {}, { verificationToken: 'other' }))).toBe(401);
    const ch = Buffer.from(JSON.stringify({ type: 'url_verification', challenge: 'c', token: 'vt' }));
    expect(verifyFeishuRequest(ch, {}, { verificationToken: 'vt' })).toEqual({ kind: 'challenge', challenge: 'c' });
  });

  it('compares the verification token in constant time (hashed, timingSafeEqual), never with === / !==', () => {
    const source = readFileSync(new URL('../../bot/feishu/verify.ts', import.meta.url), 'utf8');
    expect(source).not.toMatch(/(===|!==)\s*secrets\.verificationToken|secrets\.verificationToken\s*(===|!==)/);
    expect(source).toMatch(/tokenMatches\(secrets\.verificationToken, tokenOf\(body\)\)/);
    expect(tokenMatches('vt', 'vt')).toBe(true);
    for (const other of ['vT', 'vt ', '', 'v', undefined, 42, ['vt'], { toString: () => 'vt' }])
      expect(tokenMatches('vt', other)).toBe(false);
    const numeric = Buffer.from(JSON.stringify({ ...event, token: 12 }));
    expect(refused(() => verifyFeishuRequest(numeric, {}, { verificationToken: '12' }))).toBe(401);
  });

  it('refuses garbage with 400', () => {
    expect(refused(() => verifyFeishuRequest(Buffer.from('not json'), {}, { verificationToken: 'vt' }))).toBe(400);
    expect(refused(() => verifyFeishuRequest(Buffer.from('[1,2]'), {}, { verificationToken: 'vt' }))).toBe(400);
  });
});
