// The doctor's Feishu checks: the token, the bot and its permissions, the webhook's challenge, the long connection.
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { connect as tcpConnect } from 'node:net';
import type { Config } from '../../src/config.ts';
import { area, fetchJson, NETWORK_TIMEOUT_MS, reasonOf, type CheckResult } from './check.ts';

const f = area('feishu');

/** What lixiao needs of the app, and the scopes that grant it (any one will do). */
export const FEISHU_NEEDS = [
  { what: 'send messages as the bot', scopes: ['im:message:send_as_bot'] },
  { what: 'receive the messages people send the bot', scopes: ['im:message.p2p_msg:readonly', 'im:message.p2p_msg'] },
  { what: 'update (patch) cards the bot sent', scopes: ['im:message', 'im:message:update'] },
  { what: 'look people up by email / mobile', scopes: ['contact:user.id:readonly'] },
];

/** Feishu's callback encryption (https://open.feishu.cn/document/server-docs/event-subscription-guide/event-subscription-configure-/encrypt-key-encryption-configuration-case). */
function encrypt(encryptKey: string, plain: string): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
}

function tcpReachable(url: string): Promise<void> {
  const u = new URL(url);
  const port = Number(u.port) || (u.protocol === 'wss:' || u.protocol === 'https:' ? 443 : 80);
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: u.hostname, port, timeout: NETWORK_TIMEOUT_MS });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`no answer from ${u.host} within ${NETWORK_TIMEOUT_MS / 1000} s`));
    });
    socket.once('error', reject);
  });
}

export async function feishuChecks(config: Config): Promise<CheckResult[]> {
  const cfg = config.feishu;
  if (!cfg) return [f.skip('configured', 'FEISHU_APP_ID unset: Feishu is off')];
  const results: CheckResult[] = [];
  const api = (path: string) => `${cfg.baseUrl.replace(/\/$/, '')}${path}`;

  let token: string | undefined;
  try {
    const res = await fetchJson(api('/open-apis/auth/v3/tenant_access_token/internal'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ app_id: cfg.appId, app_secret: cfg.appSecret }),
    });
    if (res.body?.code === 0 && typeof res.body.tenant_access_token === 'string') {
      token = res.body.tenant_access_token;
      results.push(f.pass('token', `tenant_access_token obtained for ${cfg.appId}`));
    } else
      results.push(
        f.fail(
          'token',
          `${cfg.appId}: code ${res.body?.code ?? res.status} ${res.body?.msg ?? res.text.slice(0, 120)}`,
          'copy App ID and App Secret again from the developer console (凭证与基础信息) into FEISHU_APP_ID / FEISHU_APP_SECRET',
        ),
      );
  } catch (e) {
    results.push(
      f.fail(
        'token',
        `${api('')}: ${reasonOf(e)}`,
        'this machine must reach open.feishu.cn over HTTPS (proxy, firewall); FEISHU_BASE_URL must be unset in production',
      ),
    );
  }

  if (token) {
    const auth = { authorization: `Bearer ${token}` };
    try {
      const bot = await fetchJson(api('/open-apis/bot/v3/info'), { headers: auth });
      results.push(
        bot.body?.code === 0
          ? f.pass('bot', `the bot capability is on (${bot.body.bot?.app_name ?? cfg.appId})`)
          : f.fail(
              'bot',
              `bot/v3/info: code ${bot.body?.code ?? bot.status} ${bot.body?.msg ?? ''}`,
              'enable the bot capability (机器人) of the app and publish a version',
            ),
      );
      // The scopes the app asked for and whether the tenant's admin granted them (no permission needed to ask).
      const scopes = await fetchJson(api('/open-apis/application/v6/scopes'), { headers: auth });
      if (scopes.body?.code !== 0)
        results.push(
          f.fail(
            'permissions',
            `application/v6/scopes: code ${scopes.body?.code ?? scopes.status} ${scopes.body?.msg ?? ''}`,
            'publish a version of the app and have the admin install it (应用发布)',
          ),
        );
      else {
        const granted = new Map<string, number>(
          (scopes.body.data?.scopes ?? []).map((s: { scope_name: string; grant_status: number }) => [
            s.scope_name,
            s.grant_status,
          ]),
        );
        for (const need of FEISHU_NEEDS) {
          const ok = need.scopes.find((s) => granted.get(s) === 1);
          const asked = need.scopes.find((s) => granted.has(s));
          results.push(
            ok
              ? f.pass(`permission: ${need.what}`, `${ok} granted`)
              : f.fail(
                  `permission: ${need.what}`,
                  asked ? `${asked} requested but not granted by the admin` : `${need.scopes[0]} not requested`,
                  asked
                    ? 'have the tenant admin approve the latest version of the app'
                    : `add ${need.scopes[0]} under 权限管理, then publish a version for the admin to approve`,
                ),
          );
        }
      }
    } catch (e) {
      results.push(f.fail('permissions', reasonOf(e), 'this machine must reach open.feishu.cn over HTTPS'));
    }
  }

  if (cfg.mode === 'webhook') results.push(await challengeCheck(config, cfg));
  else results.push(await longConnectionCheck(cfg, api('/callback/ws/endpoint')));
  return results;
}

/** Feishu's URL check, as Feishu sends it (encrypted with the Encrypt Key when there is one), to the public URL. */
async function challengeCheck(config: Config, cfg: NonNullable<Config['feishu']>): Promise<CheckResult> {
  const url = `${config.publicUrl}/feishu/webhook`;
  const challenge = randomBytes(12).toString('hex');
  const plain = JSON.stringify({ challenge, token: cfg.verificationToken ?? '', type: 'url_verification' });
  const body = cfg.encryptKey ? JSON.stringify({ encrypt: encrypt(cfg.encryptKey, plain) }) : plain;
  const name = 'event and callback URL';
  try {
    const res = await fetchJson(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    if (res.status === 200 && res.body?.challenge === challenge) return f.pass(name, `${url} answers the challenge`);
    return f.fail(
      name,
      `${url} answered ${res.status} ${res.text.slice(0, 160)}`,
      res.status === 401
        ? 'the running service has another FEISHU_ENCRYPT_KEY / FEISHU_VERIFICATION_TOKEN than this environment: give both the values of 事件与回调 → 加密策略'
        : res.status === 404
          ? 'the service there has Feishu off (FEISHU_APP_ID unset) or the proxy does not pass /feishu/webhook'
          : 'the URL must reach this service; then set it as both the event and the callback request URL in 事件与回调',
    );
  } catch (e) {
    return f.fail(
      name,
      `${url}: ${reasonOf(e)}`,
      'start the service and make the URL reach it from the internet (Feishu calls it), or use FEISHU_MODE=ws',
    );
  }
}

/** The long connection's endpoint, as the SDK's WSClient asks for it, then a TCP connection to the address it gives. */
async function longConnectionCheck(cfg: NonNullable<Config['feishu']>, endpoint: string): Promise<CheckResult> {
  const name = 'long connection';
  try {
    const res = await fetchJson(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json', locale: 'zh' },
      body: JSON.stringify({ AppID: cfg.appId, AppSecret: cfg.appSecret }),
    });
    const url = res.body?.data?.URL;
    if (res.body?.code !== 0 || typeof url !== 'string')
      return f.fail(
        name,
        `callback/ws/endpoint: code ${res.body?.code ?? res.status} ${res.body?.msg ?? res.text.slice(0, 120)}`,
        'choose 使用长连接接收事件 (and for callbacks 使用长连接接收回调) under 事件与回调 and publish a version',
      );
    await tcpReachable(url);
    return f.pass(name, `endpoint given and ${new URL(url).host} reachable`);
  } catch (e) {
    return f.fail(
      name,
      reasonOf(e),
      'this machine must reach open.feishu.cn and the long-connection host over port 443 (proxy, firewall)',
    );
  }
}
