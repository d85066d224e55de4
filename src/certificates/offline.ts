// Verifying a certificate with public keys alone: the token (or its URL), a JWKS, and no database.
import { z } from 'zod';
import { verifyCompact, type PublicJwk } from './jws.ts';
import { claimsSchema, type CertificateClaims } from './claims.ts';

export type OfflineResult = { ok: true; kid: string; claims: CertificateClaims } | { ok: false; reason: string };

const jwkSchema = z.object({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  kid: z.string().min(1),
  alg: z.literal('EdDSA').default('EdDSA'),
  use: z.literal('sig').default('sig'),
});
const jwksSchema = z.object({ keys: z.array(z.unknown()) });

/** The Ed25519 keys of a JWKS document (RFC 7517 section 5); keys of other types are skipped, not errors. */
export function parseJwks(text: string): PublicJwk[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error('the keys are not JSON (expected a JWKS: { "keys": [ … ] })');
  }
  const set = jwksSchema.safeParse(doc);
  if (!set.success) throw new Error('the keys are not a JWKS (expected { "keys": [ … ] })');
  return set.data.keys.flatMap((k) => {
    const jwk = jwkSchema.safeParse(k);
    return jwk.success ? [jwk.data] : [];
  });
}

/** The token in a verification URL (…/v/<token>), or the argument itself when it is a bare token. */
export function tokenFrom(input: string): string {
  const text = input.trim();
  const at = text.lastIndexOf('/v/');
  if (at < 0) return text;
  return decodeURIComponent(text.slice(at + 3).split(/[?#]/)[0]!);
}

export function verifyOffline(token: string, keys: PublicJwk[]): OfflineResult {
  const v = verifyCompact(token, keys);
  if (!v.ok) return v;
  const claims = claimsSchema.safeParse(v.payload);
  if (!claims.success) return { ok: false, reason: 'signed, but not a lixiao certificate' };
  return { ok: true, kid: v.kid, claims: claims.data };
}
