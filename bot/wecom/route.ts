// GET|POST /wecom/callback: URL check, then encrypted XML messages and card events; checks first, answers within 5 s.
import type Router from '@koa/router';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../src/log.ts';
import { readRawBody } from '../http/read-json.ts';
import type { RequestState } from '../http/request-context.ts';
import { passiveReply, verifyWecomSignature, wecomDecrypt } from './crypto.ts';
import { parseWecomInbound, type WecomInbound } from './parse.ts';
import { cdata, field, parseWecomXml } from './xml.ts';
import type { WecomAnswer } from './events.ts';
import { metrics, refusalReason } from '../../src/metrics/metrics.ts';

export const REPLAY_WINDOW_S = 300;

export interface WecomSecrets {
  corpId: string;
  token: string;
  encodingAesKey: string;
}

export interface WecomRouteDeps {
  log: Logger;
  secrets: WecomSecrets;
  handle: (inbound: WecomInbound) => Promise<WecomAnswer>;
}

type Checked = { ok: true; plain: string } | { ok: false; status: 400 | 401; why: string };

/** Signature over the encrypted text, a 300 s window, then decryption that also proves the message is for our corp. */
function open(secrets: WecomSecrets, q: Record<string, unknown>, encrypted: string): Checked {
  const [sig, ts, nonce] = [q.msg_signature, q.timestamp, q.nonce].map((v) => (typeof v === 'string' ? v : ''));
  if (!sig || !ts || !nonce) return { ok: false, status: 401, why: 'msg_signature, timestamp and nonce are required' };
  if (!verifyWecomSignature(secrets.token, ts, nonce, encrypted, sig))
    return { ok: false, status: 401, why: 'bad signature' };
  if (!Number.isFinite(Number(ts)) || Math.abs(Date.now() / 1000 - Number(ts)) > REPLAY_WINDOW_S)
    return { ok: false, status: 401, why: 'timestamp outside the 300 s window' };
  try {
    return { ok: true, plain: wecomDecrypt(secrets.encodingAesKey, encrypted, secrets.corpId) };
  } catch (e) {
    return { ok: false, status: 401, why: `cannot decrypt: ${(e as Error).message}` };
  }
}

function updateButtonXml(to: string, corpId: string, name: string): string {
  const now = Math.floor(Date.now() / 1000);
  return `<xml><ToUserName>${cdata(to)}</ToUserName><FromUserName>${cdata(corpId)}</FromUserName><CreateTime>${now}</CreateTime><MsgType>${cdata('update_button')}</MsgType><Button><ReplaceName>${cdata(name)}</ReplaceName></Button></xml>`;
}

export function wecomCallbackRoute(router: Router<RequestState>, deps: WecomRouteDeps): void {
  const refuse = (
    ctx: Parameters<Parameters<Router<RequestState>['get']>[1]>[0],
    c: { status: number; why: string },
  ) => {
    ctx.state.log.warn({ why: c.why }, 'wecom request refused');
    metrics.refused('wecom', refusalReason(c.why));
    ctx.status = c.status;
    ctx.type = 'text/plain';
    ctx.body = c.why;
  };

  router.get('/wecom/callback', (ctx) => {
    const echostr = typeof ctx.query.echostr === 'string' ? ctx.query.echostr : '';
    if (!echostr) return refuse(ctx, { status: 400, why: 'echostr is required' });
    const c = open(deps.secrets, ctx.query, echostr);
    if (!c.ok) return refuse(ctx, c);
    ctx.type = 'text/plain';
    ctx.body = c.plain; // the plaintext alone: no quotes, no newline
  });

  router.post('/wecom/callback', async (ctx) => {
    const raw = await readRawBody(ctx);
    let encrypted: string | undefined;
    try {
      encrypted = field(parseWecomXml(raw.toString('utf8')), 'Encrypt');
    } catch {
      return refuse(ctx, { status: 400, why: 'body is not WeCom XML' });
    }
    if (!encrypted) return refuse(ctx, { status: 400, why: 'no Encrypt element' });
    const c = open(deps.secrets, ctx.query, encrypted);
    if (!c.ok) return refuse(ctx, c);
    let inbound: WecomInbound;
    try {
      inbound = parseWecomInbound(parseWecomXml(c.plain));
    } catch {
      return refuse(ctx, { status: 400, why: 'decrypted body is not WeCom XML' });
    }
    const log = ctx.state.log.child({ wecom: inbound.kind });
    let answer: WecomAnswer;
    try {
      answer = await deps.handle(inbound);
    } catch (e) {
      // Not claimed: an error makes WeCom deliver it again (3 tries), and the dedupe keeps it to once.
      log.error({ err: e }, 'wecom callback failed; WeCom will retry it');
      ctx.status = 500;
      ctx.body = '';
      return;
    }
    ctx.type = 'text/xml';
    if (!answer || inbound.kind !== 'tap') {
      ctx.body = ''; // an empty 200: no passive reply
      return;
    }
    const s = deps.secrets;
    ctx.body = passiveReply(
      s.token,
      s.encodingAesKey,
      s.corpId,
      updateButtonXml(inbound.from, s.corpId, answer.replaceName),
      String(Math.floor(Date.now() / 1000)),
      randomBytes(8).toString('hex'),
    );
  });
}
