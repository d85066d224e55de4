// JWS compact serialization (RFC 7515) with EdDSA over Ed25519 (RFC 8037), on node:crypto alone.
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

/** An Ed25519 public key as a JWK (RFC 8037 section 2), as published at /v/keys. */
export interface PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
}

export interface JwsHeader {
  alg: string;
  typ?: string;
  kid?: string;
}

export type ParsedJws =
  | { ok: true; header: JwsHeader; payload: unknown; signingInput: string; signature: Buffer }
  | { ok: false; reason: string };

const B64URL = /^[A-Za-z0-9_-]*$/;

/**
 * Strict base64url: Buffer.from(…, 'base64url') ignores stray trailing bits, so two spellings of one signature would
 * both decode; only the canonical spelling is accepted, so that any changed character makes a token invalid.
 */
export function decodeB64url(text: string): Buffer | null {
  if (!B64URL.test(text) || text.length % 4 === 1) return null;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : null;
}

export const encodeB64url = (bytes: Buffer | string): string => Buffer.from(bytes).toString('base64url');

/** The raw 32-byte public key of an Ed25519 key, base64url (the JWK's "x"). */
export function publicX(key: KeyObject): string {
  const jwk = (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'jwk' }) as {
    x?: string;
    crv?: string;
  };
  if (jwk.crv !== 'Ed25519' || !jwk.x) throw new Error('not an Ed25519 key');
  return jwk.x;
}

/** The key id: the JWK thumbprint of the public key (RFC 7638), so a key has the same id wherever it is kept. */
export function thumbprint(x: string): string {
  // RFC 7638 section 3.2: the required members in lexicographic order, no whitespace.
  const canonical = `{"crv":"Ed25519","kty":"OKP","x":"${x}"}`;
  return createHash('sha256').update(canonical).digest('base64url');
}

export function publicJwk(x: string): PublicJwk {
  return { kty: 'OKP', crv: 'Ed25519', x, kid: thumbprint(x), alg: 'EdDSA', use: 'sig' };
}

export function signCompact(payload: object, privateKey: KeyObject, kid: string): string {
  const header = encodeB64url(JSON.stringify({ alg: 'EdDSA', typ: 'JWT', kid }));
  const body = encodeB64url(JSON.stringify(payload));
  const signature = sign(null, Buffer.from(`${header}.${body}`), privateKey);
  return `${header}.${body}.${encodeB64url(signature)}`;
}

/** Splits and decodes a compact JWS; says why when it is not one. Checks no signature. */
export function parseCompact(token: string): ParsedJws {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'not a compact JWS (three parts separated by dots)' };
  const [h, p, s] = parts as [string, string, string];
  const headerBytes = decodeB64url(h);
  const payloadBytes = decodeB64url(p);
  const signature = decodeB64url(s);
  if (!headerBytes || !payloadBytes || !signature) return { ok: false, reason: 'malformed base64url' };
  let header: JwsHeader;
  let payload: unknown;
  try {
    header = JSON.parse(headerBytes.toString('utf8')) as JwsHeader;
    payload = JSON.parse(payloadBytes.toString('utf8'));
  } catch {
    return { ok: false, reason: 'header or payload is not JSON' };
  }
  if (typeof header !== 'object' || header === null) return { ok: false, reason: 'header is not a JSON object' };
  return { ok: true, header, payload, signingInput: `${h}.${p}`, signature };
}

export type Verified = { ok: true; kid: string; payload: unknown } | { ok: false; reason: string };

/** Verifies a compact JWS against a set of public keys by its kid; only EdDSA (Ed25519) is accepted. */
export function verifyCompact(token: string, keys: PublicJwk[]): Verified {
  const parsed = parseCompact(token);
  if (!parsed.ok) return parsed;
  // The algorithm is fixed: a token that names another one (e.g. "none", HS256) is refused, never tried.
  if (parsed.header.alg !== 'EdDSA') return { ok: false, reason: `unsupported algorithm ${String(parsed.header.alg)}` };
  const kid = parsed.header.kid;
  const jwk = typeof kid === 'string' ? keys.find((k) => k.kid === kid) : undefined;
  if (!jwk) return { ok: false, reason: `unknown key id ${String(kid)}` };
  if (parsed.signature.length !== 64) return { ok: false, reason: 'bad signature' };
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
  const good = verify(null, Buffer.from(parsed.signingInput), key, parsed.signature);
  return good ? { ok: true, kid: jwk.kid, payload: parsed.payload } : { ok: false, reason: 'bad signature' };
}
