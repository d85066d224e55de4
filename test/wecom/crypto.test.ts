// WXBizMsgCrypt pinned by Tencent's official vectors (https://github.com/sbzhu/weworkapi_python/blob/master/callback/Sample.py, the C# sample), plus every refusal.
import { createDecipheriv } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  passiveReply,
  verifyWecomSignature,
  WecomCryptoError,
  wecomDecrypt,
  wecomEncrypt,
  wecomOpen,
  wecomSignature,
  type WecomCryptoReason,
} from '../../bot/wecom/crypto.ts';

// the Python sample (2018): the enterprise's own app
const PY = {
  token: 'hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo',
  key: '6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt',
  corpId: 'ww1436e0e65a779aee',
};
const PY_GET = {
  msg_signature: '012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb',
  timestamp: '1476416373',
  nonce: '47744683',
  echostr: 'fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA==',
};
const PY_POST = {
  msg_signature: '0c3914025cb4b4d68103f6bfc8db550f79dcf48e',
  timestamp: '1476422779',
  nonce: '1597212914',
  encrypt:
    'Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+',
  xml: '<xml><ToUserName>ww1436e0e65a779aee</ToUserName><FromUserName>ChenJiaShun</FromUserName><CreateTime>1476422779</CreateTime><MsgType>text</MsgType><Content>你好</Content><MsgId>1456453720</MsgId><AgentID>1000002</AgentID></xml>',
  random: Buffer.from('694ce5a83ae07fe3', 'ascii'),
};
// the older C# sample
const CS = { token: 'QDG6eK', key: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C', corpId: 'wx5823bf96d3bd56c7' };
const CS_GET = {
  msg_signature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
  timestamp: '1409659589',
  nonce: '263014780',
  echostr: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
};

function reason(f: () => unknown): WecomCryptoReason {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(WecomCryptoError);
    return (e as WecomCryptoError).reason;
  }
  throw new Error('expected a WecomCryptoError');
}

/** The 16 random bytes a ciphertext starts with (its first plaintext block). */
function randomPrefix(encodingAesKey: string, encrypt: string): Buffer {
  const key = Buffer.from(encodingAesKey + '=', 'base64');
  const d = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return d.update(Buffer.from(encrypt, 'base64').subarray(0, 16));
}

/** The ciphertext with byte `i` (negative: from the end) xor-ed with `mask`. */
function flip(encrypt: string, i: number, mask = 0x01): string {
  const buf = Buffer.from(encrypt, 'base64');
  const at = i < 0 ? buf.length + i : i;
  buf[at] = buf[at]! ^ mask;
  return buf.toString('base64');
}

describe('wecom crypto: official vectors', () => {
  it.each([
    ['Sample.py', PY, PY_GET, '1288432023552776189'],
    ['C# sample', CS, CS_GET, '1616140317555161061'],
  ])('%s GET: the echostr signature matches and it decrypts to the plaintext', (_, app, q, plain) => {
    expect(wecomSignature(app.token, q.timestamp, q.nonce, q.echostr)).toBe(q.msg_signature);
    expect(verifyWecomSignature(app.token, q.timestamp, q.nonce, q.echostr, q.msg_signature)).toBe(true);
    expect(wecomDecrypt(app.key, q.echostr, app.corpId)).toBe(plain);
    expect(wecomOpen(app.token, app.key, app.corpId, q, q.echostr)).toBe(plain);
  });

  it('Sample.py POST: the Encrypt signature matches and it decrypts to the XML', () => {
    expect(wecomSignature(PY.token, PY_POST.timestamp, PY_POST.nonce, PY_POST.encrypt)).toBe(PY_POST.msg_signature);
    expect(wecomOpen(PY.token, PY.key, PY.corpId, PY_POST, PY_POST.encrypt)).toBe(PY_POST.xml);
  });

  it('encrypting the POST plaintext with the official random prefix reproduces Encrypt byte for byte', () => {
    expect(wecomEncrypt(PY.key, PY_POST.xml, PY.corpId, PY_POST.random)).toBe(PY_POST.encrypt);
  });

  it('re-encrypting each echostr with its own random prefix reproduces it', () => {
    for (const [app, q] of [
      [PY, PY_GET],
      [CS, CS_GET],
    ] as const) {
      const plain = wecomDecrypt(app.key, q.echostr, app.corpId);
      expect(wecomEncrypt(app.key, plain, app.corpId, randomPrefix(app.key, q.echostr))).toBe(q.echostr);
    }
  });

  it("the official POST ciphertext carries 22 bytes of padding (why Node's 16-byte unpadding is off)", () => {
    const bodyLen = 16 + 4 + Buffer.byteLength(PY_POST.xml) + PY.corpId.length;
    expect(Buffer.from(PY_POST.encrypt, 'base64').length - bodyLen).toBe(22);
    expect(randomPrefix(PY.key, PY_POST.encrypt)).toEqual(PY_POST.random);
  });
});

describe('wecom crypto: refusals', () => {
  it('refuses a message for another corp id', () => {
    expect(reason(() => wecomDecrypt(PY.key, PY_POST.encrypt, 'ww0000000000000000'))).toBe('receiveid');
    expect(reason(() => wecomDecrypt(CS.key, CS_GET.echostr, PY.corpId))).toBe('receiveid');
  });

  it('refuses tampered ciphertext: bad padding, bad length, altered body, wrong key', () => {
    // CBC: flipping ciphertext byte i garbles plaintext block i/16 and flips plaintext byte i + 16
    expect(reason(() => wecomDecrypt(PY.key, flip(PY_POST.encrypt, -33, 0x16 ^ 0x40), PY.corpId))).toBe('padding'); // pad byte 22 -> 64
    expect(reason(() => wecomDecrypt(PY.key, flip(PY_POST.encrypt, -33, 0x16 ^ 0x15), PY.corpId))).toBe('padding'); // 21 claimed, 22 there
    expect(reason(() => wecomDecrypt(PY.key, flip(PY_POST.encrypt, -1), PY.corpId))).toBe('padding'); // the last block garbled
    expect(reason(() => wecomDecrypt(PY.key, flip(PY_POST.encrypt, 0), PY.corpId))).toBe('length'); // length's high byte: +16 MiB
    expect(reason(() => wecomDecrypt(PY.key, flip(PY_POST.encrypt, 249), PY.corpId))).toBe('receiveid'); // 16+4+228 bytes in: the corp id
    // a flip inside the XML decrypts to garbage without complaint: only the signature over the ciphertext catches it
    const inBody = flip(PY_POST.encrypt, 200);
    expect(wecomDecrypt(PY.key, inBody, PY.corpId)).not.toBe(PY_POST.xml);
    expect(reason(() => wecomOpen(PY.token, PY.key, PY.corpId, PY_POST, inBody))).toBe('signature');
    expect(reason(() => wecomDecrypt(PY.key, PY_POST.encrypt.slice(0, 40), PY.corpId))).toBe('length');
    expect(reason(() => wecomDecrypt(PY.key, '', PY.corpId))).toBe('length');
    expect(['padding', 'length', 'receiveid']).toContain(
      reason(() => wecomDecrypt(CS.key, PY_POST.encrypt, PY.corpId)),
    );
  });

  it('refuses a signature that does not match, in constant time, and wecomOpen throws before decrypting', () => {
    const { timestamp, nonce, encrypt, msg_signature } = PY_POST;
    expect(verifyWecomSignature(PY.token, timestamp, nonce, encrypt, msg_signature.replace(/.$/, '0'))).toBe(false);
    expect(verifyWecomSignature(PY.token, timestamp, nonce, encrypt, msg_signature.slice(1))).toBe(false);
    expect(verifyWecomSignature(PY.token, timestamp, nonce, encrypt, msg_signature.toUpperCase())).toBe(false);
    expect(verifyWecomSignature(PY.token, String(Number(timestamp) + 1), nonce, encrypt, msg_signature)).toBe(false);
    expect(verifyWecomSignature('other-token', timestamp, nonce, encrypt, msg_signature)).toBe(false);
    expect(reason(() => wecomOpen(PY.token, PY.key, PY.corpId, { ...PY_POST, nonce: '1' }, encrypt))).toBe('signature');
  });

  it('rejects a malformed EncodingAESKey with a clear error', () => {
    for (const bad of ['', PY.key.slice(1), PY.key + 'A', PY.key.replace(/.$/, '+'), PY.key.replace(/.$/, '=')]) {
      expect(() => wecomDecrypt(bad, PY_POST.encrypt, PY.corpId)).toThrow(/EncodingAESKey must be 43 characters/);
      expect(reason(() => wecomEncrypt(bad, 'x', PY.corpId))).toBe('key');
    }
  });
});

describe('wecom crypto: round trips and the passive reply', () => {
  it('round-trips Chinese text of every padding length', () => {
    for (let n = 0; n < 40; n++) {
      const msg = '离校手续已通过：'.repeat(n % 5) + '图'.repeat(n);
      const enc = wecomEncrypt(PY.key, msg, PY.corpId);
      expect(Buffer.from(enc, 'base64').length % 32).toBe(0);
      expect(wecomDecrypt(PY.key, enc, PY.corpId)).toBe(msg);
    }
    expect(wecomEncrypt(PY.key, 'same', PY.corpId)).not.toBe(wecomEncrypt(PY.key, 'same', PY.corpId)); // random prefix
  });

  it('builds a signed, encrypted reply envelope that opens to the XML', () => {
    const xml =
      '<xml><MsgType><![CDATA[update_button]]></MsgType><Button><ReplaceName><![CDATA[已通过]]></ReplaceName></Button></xml>';
    const env = passiveReply(PY.token, PY.key, PY.corpId, xml, '1476422779', '1597212914');
    const m =
      /^<xml><Encrypt><!\[CDATA\[([A-Za-z0-9+/=]+)\]\]><\/Encrypt><MsgSignature><!\[CDATA\[([0-9a-f]{40})\]\]><\/MsgSignature><TimeStamp>1476422779<\/TimeStamp><Nonce><!\[CDATA\[1597212914\]\]><\/Nonce><\/xml>$/.exec(
        env,
      );
    expect(m).not.toBeNull();
    expect(
      wecomOpen(
        PY.token,
        PY.key,
        PY.corpId,
        { msg_signature: m![2]!, timestamp: '1476422779', nonce: '1597212914' },
        m![1]!,
      ),
    ).toBe(xml);
    expect(reason(() => passiveReply(PY.token, PY.key, PY.corpId, xml, '1476422779', ']]><x>'))).toBe('input');
  });
});
