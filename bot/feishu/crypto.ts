// Feishu callback crypto on node:crypto: AES-256-CBC decryption of `encrypt` bodies and the request signature.
import { createDecipheriv, createHash, timingSafeEqual } from 'node:crypto';

/** body `{"encrypt": base64(IV(16) || AES-256-CBC(sha256(encryptKey), PKCS#7))}` -> the JSON text inside. */
export function feishuDecrypt(encryptKey: string, encrypted: string): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const buf = Buffer.from(encrypted, 'base64');
  if (buf.length < 32 || buf.length % 16 !== 0) throw new Error('encrypted payload has a bad length');
  const decipher = createDecipheriv('aes-256-cbc', key, buf.subarray(0, 16));
  return Buffer.concat([decipher.update(buf.subarray(16)), decipher.final()]).toString('utf8');
}

/** X-Lark-Signature = sha256_hex(timestamp + nonce + encryptKey + raw body bytes). */
export function feishuSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: Buffer): string {
  return createHash('sha256')
    .update(timestamp + nonce + encryptKey)
    .update(rawBody)
    .digest('hex');
}

/**
 * A shared secret (the verification token) compared in constant time: both sides are hashed first, so neither the
 * content nor the length of the expected token shows in the time taken. Anything but a string never matches.
 */
export function tokenMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(given));
}

export function signatureMatches(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
