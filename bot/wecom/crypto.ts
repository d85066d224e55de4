// WeCom's WXBizMsgCrypt on node:crypto: callback signature, AES-256-CBC open/seal, the passive reply envelope.
import { LixiaoError } from '../../src/errors.ts';
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export type WecomCryptoReason = 'key' | 'signature' | 'length' | 'padding' | 'receiveid' | 'input';

export class WecomCryptoError extends LixiaoError {
  readonly code: `wecom_${WecomCryptoReason}`;
  constructor(
    readonly reason: WecomCryptoReason,
    message: string,
  ) {
    super(message);
    this.code = `wecom_${reason}`;
  }
}

const BLOCK = 32; // WeCom pads to 32 bytes, not AES's 16: Node's own unpadding rejects pads of 17..32

/** EncodingAESKey (43 chars [A-Za-z0-9]) -> the 32-byte AES key; its first 16 bytes are the IV. */
function aesKey(encodingAesKey: string): Buffer {
  if (!/^[A-Za-z0-9]{43}$/.test(encodingAesKey))
    throw new WecomCryptoError('key', 'WeCom EncodingAESKey must be 43 characters of [A-Za-z0-9]');
  return Buffer.from(encodingAesKey + '=', 'base64');
}

/** msg_signature = sha1_hex(sort([token, timestamp, nonce, encrypt]).join('')). */
export function wecomSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypt].sort().join('')).digest('hex');
}

export function verifyWecomSignature(
  token: string,
  timestamp: string,
  nonce: string,
  encrypt: string,
  signature: string,
): boolean {
  const a = Buffer.from(wecomSignature(token, timestamp, nonce, encrypt));
  const b = Buffer.from(signature);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * base64(AES-256-CBC(random16 || len(4, BE) || msg || receiveId, padded to 32)) -> msg. Call it only after the
 * signature matched: the distinct padding / length errors would otherwise be an oracle for forged ciphertexts.
 */
export function wecomDecrypt(encodingAesKey: string, encrypt: string, receiveId: string): string {
  const key = aesKey(encodingAesKey);
  const buf = Buffer.from(encrypt, 'base64');
  if (buf.length === 0 || buf.length % BLOCK !== 0)
    throw new WecomCryptoError('length', 'WeCom ciphertext is not a whole number of 32-byte blocks');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(buf), decipher.final()]);
  const pad = padded[padded.length - 1]!;
  if (pad < 1 || pad > BLOCK || !padded.subarray(padded.length - pad).every((b) => b === pad))
    throw new WecomCryptoError('padding', 'WeCom ciphertext has bad padding');
  const plain = padded.subarray(0, padded.length - pad);
  if (plain.length < 20) throw new WecomCryptoError('length', 'WeCom plaintext is too short');
  const len = plain.readUInt32BE(16);
  if (20 + len > plain.length) throw new WecomCryptoError('length', 'WeCom message length exceeds the plaintext');
  if (plain.subarray(20 + len).toString('utf8') !== receiveId)
    throw new WecomCryptoError('receiveid', 'WeCom message is for another CorpID / receiveid');
  return plain.subarray(20, 20 + len).toString('utf8');
}

/** The inverse of wecomDecrypt; `random16` is injectable only so tests can reproduce Tencent's vectors. */
export function wecomEncrypt(
  encodingAesKey: string,
  msg: string,
  receiveId: string,
  random16: Buffer = randomBytes(16),
): string {
  const key = aesKey(encodingAesKey);
  if (random16.length !== 16) throw new WecomCryptoError('input', 'the random prefix must be 16 bytes');
  const body = Buffer.from(msg, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  const plain = Buffer.concat([random16, len, body, Buffer.from(receiveId, 'utf8')]);
  const pad = BLOCK - (plain.length % BLOCK); // 1..32: a full block when already aligned
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])), cipher.final()]).toString(
    'base64',
  );
}

/** Verifies the signature, then decrypts: what the callback route does with `echostr` or the XML's `Encrypt`. */
export function wecomOpen(
  token: string,
  encodingAesKey: string,
  receiveId: string,
  q: { msg_signature: string; timestamp: string; nonce: string },
  encrypt: string,
): string {
  if (!verifyWecomSignature(token, q.timestamp, q.nonce, encrypt, q.msg_signature))
    throw new WecomCryptoError('signature', 'WeCom msg_signature does not match');
  return wecomDecrypt(encodingAesKey, encrypt, receiveId);
}

/** The encrypted passive reply `<xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>` around `xmlMsg`. */
export function passiveReply(
  token: string,
  encodingAesKey: string,
  corpId: string,
  xmlMsg: string,
  timestamp: string,
  nonce: string,
): string {
  // both are echoed unescaped into the XML: keep them to what WeCom itself sends
  if (!/^\d{1,20}$/.test(timestamp) || !/^[A-Za-z0-9]{1,64}$/.test(nonce))
    throw new WecomCryptoError('input', 'timestamp must be digits and nonce alphanumeric');
  const encrypt = wecomEncrypt(encodingAesKey, xmlMsg, corpId);
  const signature = wecomSignature(token, timestamp, nonce, encrypt);
  return `<xml><Encrypt><![CDATA[${encrypt}]]></Encrypt><MsgSignature><![CDATA[${signature}]]></MsgSignature><TimeStamp>${timestamp}</TimeStamp><Nonce><![CDATA[${nonce}]]></Nonce></xml>`;
}
