// A key that signs certificates: its public half always, its private half sealed (or none: kept in a file, or retired).
import { defineEntity, p } from '@mikro-orm/core';

export const SigningKey = defineEntity({
  name: 'SigningKey',
  tableName: 'signing_key',
  properties: {
    /** the JWK thumbprint (RFC 7638) of the public key */
    kid: p.text().primary(),
    /** the raw Ed25519 public key, base64url (the JWK's x) */
    publicKey: p.text(),
    /** see src/certificates/key-sealing.ts; null for a key from LIXIAO_SIGNING_KEY_FILE and for a retired key */
    privateKey: p.json<Record<string, unknown>>().nullable(),
    /** database | file */
    source: p.text(),
    createdAt: p.datetime().defaultRaw('now()'),
    retiredAt: p.datetime().nullable(),
  },
});
