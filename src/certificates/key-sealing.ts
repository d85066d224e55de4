// The database keeps a signing key's private half sealed: AES-256-GCM under a key derived (scrypt) from LIXIAO_SIGNING_SECRET.
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  randomBytes,
  scryptSync,
  type KeyObject,
} from 'node:crypto';
import { CertificateError } from './certificate-error.ts';

/** How a private key is stored in signing_key.private_key. */
export type SealedKey =
  | { alg: 'none'; pkcs8: string }
  | {
      alg: 'A256GCM';
      kdf: 'scrypt';
      N: number;
      r: number;
      p: number;
      salt: string;
      iv: string;
      ct: string;
      tag: string;
    };

// scrypt parameters of RFC 7914 section 2's interactive recommendation raised to 2^15 (about 32 MiB, some 100 ms):
// paid once per key and process, and it makes a guessed secret costly to try.
const SCRYPT = { N: 2 ** 15, r: 8, p: 1 };
const maxmem = 64 * 1024 * 1024;

function derive(secret: string, salt: Buffer, params: { N: number; r: number; p: number }): Buffer {
  return scryptSync(secret, salt, 32, { ...params, maxmem });
}

/** Seals the key's PKCS#8 bytes; the key id is the additional data, so a sealed key cannot be moved to another row. */
export function sealKey(key: KeyObject, kid: string, secret: string | undefined): SealedKey {
  const pkcs8 = key.export({ format: 'der', type: 'pkcs8' });
  if (!secret) return { alg: 'none', pkcs8: pkcs8.toString('base64') };
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derive(secret, salt, SCRYPT), iv);
  cipher.setAAD(Buffer.from(kid));
  const ct = Buffer.concat([cipher.update(pkcs8), cipher.final()]);
  return {
    alg: 'A256GCM',
    kdf: 'scrypt',
    ...SCRYPT,
    salt: salt.toString('base64'),
    iv: iv.toString('base64'),
    ct: ct.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

export function unsealKey(sealed: SealedKey, kid: string, secret: string | undefined): KeyObject {
  if (sealed.alg === 'none')
    return createPrivateKey({ key: Buffer.from(sealed.pkcs8, 'base64'), format: 'der', type: 'pkcs8' });
  if (!secret)
    throw new CertificateError(`the signing key ${kid} is stored encrypted and LIXIAO_SIGNING_SECRET is not set`);
  try {
    const decipher = createDecipheriv(
      'aes-256-gcm',
      derive(secret, Buffer.from(sealed.salt, 'base64'), sealed),
      Buffer.from(sealed.iv, 'base64'),
    );
    decipher.setAAD(Buffer.from(kid));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const pkcs8 = Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]);
    return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  } catch {
    throw new CertificateError(
      `cannot decrypt the signing key ${kid}: LIXIAO_SIGNING_SECRET is not the secret it was stored with`,
    );
  }
}
