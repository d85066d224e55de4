// Checks a Feishu callback before anything acts on it: signature over the raw bytes, a 300 s window, decryption, token.
import { LixiaoError } from '../../src/errors.ts';
import { feishuDecrypt, feishuSignature, signatureMatches, tokenMatches } from './crypto.ts';

export const REPLAY_WINDOW_S = 300;

export class FeishuRequestError extends LixiaoError {
  readonly code = 'feishu_request_refused';
  constructor(
    readonly status: 400 | 401,
    message: string,
  ) {
    super(message);
  }
}

export interface FeishuSecrets {
  encryptKey?: string;
  verificationToken?: string;
}

export interface SignatureHeaders {
  timestamp?: string;
  nonce?: string;
  signature?: string;
}

export type Verified = { kind: 'challenge'; challenge: string } | { kind: 'event'; body: Record<string, any> };

function parseObject(text: string, what: string): Record<string, any> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new FeishuRequestError(400, `${what} is not JSON`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new FeishuRequestError(400, `${what} is not a JSON object`);
  return v as Record<string, any>;
}

function tokenOf(body: Record<string, any>): unknown {
  return body.header?.token ?? body.token;
}

export function verifyFeishuRequest(
  raw: Buffer,
  h: SignatureHeaders,
  secrets: FeishuSecrets,
  nowSec = Date.now() / 1000,
): Verified {
  const outer = parseObject(raw.toString('utf8'), 'body');
  const signed = Boolean(h.signature && h.timestamp && h.nonce);
  if (secrets.encryptKey && signed) {
    const expected = feishuSignature(h.timestamp!, h.nonce!, secrets.encryptKey, raw);
    if (!signatureMatches(expected, h.signature!)) throw new FeishuRequestError(401, 'bad signature');
    const ts = Number(h.timestamp);
    if (!Number.isFinite(ts) || Math.abs(nowSec - ts) > REPLAY_WINDOW_S)
      throw new FeishuRequestError(401, 'timestamp outside the 300 s window');
  }
  let body = outer;
  if (typeof outer.encrypt === 'string') {
    if (!secrets.encryptKey) throw new FeishuRequestError(400, 'encrypted body but FEISHU_ENCRYPT_KEY is not set');
    let plain: string;
    try {
      plain = feishuDecrypt(secrets.encryptKey, outer.encrypt);
    } catch {
      throw new FeishuRequestError(401, 'cannot decrypt with FEISHU_ENCRYPT_KEY');
    }
    body = parseObject(plain, 'decrypted body');
  }
  if (body.type === 'url_verification') {
    // Feishu's URL check is not signed: it proves itself by decrypting with our key, or by the verification token.
    if (secrets.verificationToken && !tokenMatches(secrets.verificationToken, tokenOf(body)))
      throw new FeishuRequestError(401, 'verification token mismatch');
    if (!secrets.verificationToken && typeof outer.encrypt !== 'string')
      throw new FeishuRequestError(401, 'unsigned challenge');
    if (typeof body.challenge !== 'string') throw new FeishuRequestError(400, 'challenge missing');
    return { kind: 'challenge', challenge: body.challenge };
  }
  if (secrets.encryptKey) {
    if (!signed) throw new FeishuRequestError(401, 'missing signature headers');
  } else if (!secrets.verificationToken || !tokenMatches(secrets.verificationToken, tokenOf(body))) {
    throw new FeishuRequestError(401, 'verification token mismatch');
  }
  if (!body.header && !body.event && !body.type) throw new FeishuRequestError(400, 'not a Feishu event');
  return { kind: 'event', body };
}
