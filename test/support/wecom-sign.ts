// Builds WeCom callback requests the way WeCom does: the XML encrypted for a corp id, signed with the app's token.
import { randomBytes } from 'node:crypto';
import { wecomEncrypt, wecomSignature } from '../../bot/wecom/crypto.ts';

export interface WecomApp {
  corpId: string;
  token: string;
  aesKey: string;
}

export function wecomQuery(app: WecomApp, encrypt: string, ts = Math.floor(Date.now() / 1000)): string {
  const nonce = randomBytes(6).toString('hex');
  const sig = wecomSignature(app.token, String(ts), nonce, encrypt);
  return new URLSearchParams({ msg_signature: sig, timestamp: String(ts), nonce }).toString();
}

/** A POST of `innerXml` as WeCom would send it: the path with its query, and the envelope body. */
export function wecomPost(
  app: WecomApp,
  innerXml: string,
  opts: { ts?: number; corpId?: string } = {},
): { query: string; body: string } {
  const encrypt = wecomEncrypt(app.aesKey, innerXml, opts.corpId ?? app.corpId);
  return {
    query: wecomQuery(app, encrypt, opts.ts),
    body: `<xml><ToUserName><![CDATA[${app.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID>1000002</AgentID></xml>`,
  };
}

let t = Math.floor(Date.now() / 1000) - 100;
export const wecomText = (
  from: string,
  content: string,
  msgId = String(Date.now()) + Math.floor(Math.random() * 1000),
) =>
  `<xml><ToUserName><![CDATA[corp]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${++t}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${content}]]></Content><MsgId>${msgId}</MsgId><AgentID>1000002</AgentID></xml>`;

export const wecomTap = (
  from: string,
  eventKey: string,
  taskId: string,
  selected: string[] = [],
  responseCode = `rc_${t}_${from}`,
  createTime = ++t,
) =>
  `<xml><ToUserName><![CDATA[corp]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[${eventKey}]]></EventKey><TaskId><![CDATA[${taskId}]]></TaskId><CardType><![CDATA[vote_interaction]]></CardType><ResponseCode><![CDATA[${responseCode}]]></ResponseCode><AgentID>1000002</AgentID>${
    selected.length
      ? `<SelectedItems><SelectedItem><QuestionKey><![CDATA[q]]></QuestionKey><OptionIds>${selected.map((o) => `<OptionId><![CDATA[${o}]]></OptionId>`).join('')}</OptionIds></SelectedItem></SelectedItems>`
      : ''
  }</xml>`;
