// The doctor's WeCom checks: the access_token, the app and the trusted-IP list (60020), the callback URL's echo.
import { randomBytes } from 'node:crypto';
import type { Config } from '../../src/config.ts';
import { wecomEncrypt, wecomSignature } from '../wecom/crypto.ts';
import { area, fetchJson, NETWORK_TIMEOUT_MS, reasonOf, type CheckResult } from './check.ts';

const w = area('wecom');

/** Egress IP not in the app's 企业可信IP (https://developer.work.weixin.qq.com/document/path/90313). */
export const UNTRUSTED_IP = 60020;

const TOKEN_FIXES: Record<number, string> = {
  40013: 'WECOM_CORP_ID is not a CorpID: copy it from 我的企业 → 企业信息',
  40001: 'WECOM_SECRET is not this app’s Secret: copy it from 应用管理 → the app → Secret',
  40091: 'WECOM_SECRET is not this app’s Secret: copy it from 应用管理 → the app → Secret',
};

export async function wecomChecks(config: Config): Promise<CheckResult[]> {
  const cfg = config.wecom;
  if (!cfg) return [w.skip('configured', 'WECOM_CORP_ID unset: WeCom is off')];
  const results: CheckResult[] = [];
  const base = cfg.baseUrl.replace(/\/$/, '');
  let token: string | undefined;
  try {
    const q = new URLSearchParams({ corpid: cfg.corpId, corpsecret: cfg.secret });
    const res = await fetchJson(`${base}/cgi-bin/gettoken?${q}`);
    if (res.body?.errcode === 0 && typeof res.body.access_token === 'string') {
      token = res.body.access_token;
      results.push(w.pass('token', `access_token obtained for ${cfg.corpId}`));
    } else
      results.push(
        w.fail(
          'token',
          `gettoken: errcode ${res.body?.errcode ?? res.status} ${String(res.body?.errmsg ?? res.text).slice(0, 160)}`,
          TOKEN_FIXES[res.body?.errcode] ?? 'check WECOM_CORP_ID and WECOM_SECRET against the admin console',
        ),
      );
  } catch (e) {
    results.push(
      w.fail(
        'token',
        `${base}: ${reasonOf(e)}`,
        'this machine must reach qyapi.weixin.qq.com over HTTPS (proxy, firewall)',
      ),
    );
  }

  if (token) {
    // agent/get is an ordinary API call: it says whether this server's IP is trusted and whether the AgentId is right.
    try {
      const q = new URLSearchParams({ access_token: token, agentid: cfg.agentId });
      const res = await fetchJson(`${base}/cgi-bin/agent/get?${q}`);
      const code = res.body?.errcode;
      if (code === 0)
        results.push(w.pass('app and trusted IP', `app ${res.body?.name ?? cfg.agentId} answers this server`));
      else if (code === UNTRUSTED_IP) {
        const ip = /from ip:\s*([0-9a-f.:]+)/i.exec(String(res.body?.errmsg))?.[1];
        results.push(
          w.fail(
            'app and trusted IP',
            `errcode 60020: WeCom refuses API calls from ${ip ?? "this server's egress IP"}, which is not in the app's trusted IPs (required of apps created after 2022-06-20)`,
            `add ${ip ?? "this server's public egress IP"} under 应用管理 → the app → 企业可信IP (a domain may be needed first: 网页授权及JS-SDK / 可信域名)`,
          ),
        );
      } else
        results.push(
          w.fail(
            'app and trusted IP',
            `agent/get: errcode ${code ?? res.status} ${String(res.body?.errmsg ?? res.text).slice(0, 160)}`,
            'check WECOM_AGENT_ID (应用管理 → the app → AgentId) and that WECOM_SECRET is this app’s',
          ),
        );
    } catch (e) {
      results.push(w.fail('app and trusted IP', reasonOf(e), 'this machine must reach qyapi.weixin.qq.com over HTTPS'));
    }
  }
  results.push(await echoCheck(config, cfg));
  return results;
}

/** WeCom's URL check, as WeCom sends it: an encrypted, signed echostr the service must give back in plain text. */
async function echoCheck(config: Config, cfg: NonNullable<Config['wecom']>): Promise<CheckResult> {
  const url = `${config.publicUrl}/wecom/callback`;
  const echo = randomBytes(10).toString('hex');
  const echostr = wecomEncrypt(cfg.encodingAesKey, echo, cfg.corpId);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(6).toString('hex');
  const q = new URLSearchParams({
    msg_signature: wecomSignature(cfg.token, timestamp, nonce, echostr),
    timestamp,
    nonce,
    echostr,
  });
  const name = 'callback URL';
  try {
    const res = await fetch(`${url}?${q}`, { signal: AbortSignal.timeout(NETWORK_TIMEOUT_MS), redirect: 'manual' });
    const text = await res.text();
    if (res.status === 200 && text === echo) return w.pass(name, `${url} answers WeCom's echo`);
    return w.fail(
      name,
      `${url} answered ${res.status} ${text.slice(0, 160)}`,
      res.status === 401
        ? 'the running service has another WECOM_TOKEN / WECOM_ENCODING_AES_KEY / WECOM_CORP_ID than this environment: use the values of 接收消息 → 设置API接收'
        : res.status === 404
          ? 'the service there has WeCom off or the proxy does not pass /wecom/callback'
          : 'the URL must reach this service; then set it under 接收消息 → 设置API接收',
    );
  } catch (e) {
    return w.fail(
      name,
      `${url}: ${reasonOf(e)}`,
      'start the service and make the URL reach it from the internet over an ICP-registered domain (WeCom calls it)',
    );
  }
}
