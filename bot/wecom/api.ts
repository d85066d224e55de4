// lixiao's outbound WeCom API: template cards, text, card updates, userid lookups; with token caching, pacing, retries, timeouts.
import axios, { type AxiosInstance } from 'axios';
import type { Logger } from '../../src/log.ts';
import { createLimiter, realSleep, type BucketRule, type Limiter } from '../delivery/limiter.ts';
import { BUSY_ERRCODE, errcodeError, TOKEN_ERRCODES, toWecomError, WecomApiError } from './api-errors.ts';
import { createTokenHolder } from './token.ts';
import { metrics } from '../../src/metrics/metrics.ts';

export { WecomApiError } from './api-errors.ts';

export interface WecomApi {
  /** One template card to one member, deduplicated by WeCom on its `task_id` for 30 minutes. */
  /** `maxWaitMs`: rather than wait longer for the member's budget, reject with a QuotaWait (src/delivery/quota-wait.ts). */
  sendCard(
    userid: string,
    templateCard: object,
    opts?: { maxWaitMs?: number },
  ): Promise<{ msgid: string; responseCode?: string }>;
  /** `duplicateCheck` (default on) drops identical text to the same member within 30 minutes: off for answers to a question. */
  sendText(userid: string, text: string, opts?: { duplicateCheck?: boolean }): Promise<{ msgid: string }>;
  /** `responseCode` is single-use: from message/send or from the tap's template_card_event. */
  updateCard(userids: string[], responseCode: string, templateCard: object): Promise<void>;
  /** mobile first, then email; a contact WeCom does not know (or the app may not see) -> null. */
  useridByContact(c: { mobile?: string; email?: string }): Promise<string | null>;
}

export interface WecomApiOptions {
  timeoutMs?: number;
  limiter?: Limiter;
  sleep?: (ms: number) => Promise<void>;
}

export const APP_KEY = 'wecom/min';
export const memberKeys = (userid: string) => [
  `member:${userid.toLowerCase()}/min`,
  `member:${userid.toLowerCase()}/h`,
]; // userids are case-insensitive

/**
 * WeCom silently DROPS messages beyond 30/min and 1000/h per member, so those buckets are slightly stricter than the
 * quota: a request granted at the window's edge may reach WeCom seconds late, after the next one. The app-wide bucket
 * stays far below the enterprise's 10,000/min per API, which every other app of the university shares.
 */
export function wecomRule(key: string): BucketRule {
  if (key === APP_KEY) return { tokens: 2000, windowMs: 60_000 };
  if (key.startsWith('member:') && key.endsWith('/min')) return { tokens: 30, windowMs: 65_000 };
  if (key.startsWith('member:') && key.endsWith('/h')) return { tokens: 1000, windowMs: 3_660_000 };
  throw new Error(`no rate-limit rule for bucket "${key}"`);
}

export const MAX_BUSY_RETRIES = 3;
const BUSY_BACKOFF_MS = 200; // then 400, 800
/** getuserid / get_userid_by_email: 46004 "user no exist", 60111 "userid not found" (see the report: not verified). */
const NOT_FOUND = new Set([46004, 60111]);

export function wecomHttp(baseUrl: string, timeoutMs: number): AxiosInstance {
  // no redirects: a followed redirect would carry the access_token in the query string to another host
  const http = axios.create({ baseURL: baseUrl, timeout: timeoutMs, maxRedirects: 0, maxContentLength: 1 << 20 });
  // axios' `timeout` is a socket idle timer; the signal bounds the whole exchange (a slow drip too)
  http.interceptors.request.use((config) => {
    config.signal ??= AbortSignal.timeout(timeoutMs);
    return config;
  });
  return http;
}

type Body = Record<string, unknown> & { errcode: number };

export function createWecomApi(
  creds: { corpId: string; agentId: number | string; secret: string; baseUrl: string },
  log: Logger,
  opts: WecomApiOptions = {},
): WecomApi {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const sleep = opts.sleep ?? realSleep;
  const limiter = opts.limiter ?? createLimiter({ rule: wecomRule, sleep });
  const http = wecomHttp(creds.baseUrl, timeoutMs);
  const tokens = createTokenHolder(http, creds);
  const agentid = Number(creds.agentId);
  if (!Number.isSafeInteger(agentid) || agentid <= 0)
    throw new Error("WeCom agentId must be a positive integer (the app's AgentId)");
  const wlog = log.child({ platform: 'wecom' });

  /** One API call: limiter, token, then in-place retries for a refreshed token (once) and "system busy" (3 times). */
  async function call(
    op: string,
    keys: string[],
    data: object,
    accept: ReadonlySet<number> = new Set(),
    maxWaitMs?: number,
  ): Promise<Body> {
    let refreshed = false;
    let busy = 0;
    for (;;) {
      const queued = performance.now();
      await limiter.acquire(keys, 0, maxWaitMs); // a QuotaWait goes to the caller as it is: nothing was sent
      metrics.quotaWaited('wecom', (performance.now() - queued) / 1000);
      let token: string | undefined;
      const started = performance.now();
      try {
        token = await tokens.get();
        const res = await http.post(`/cgi-bin/${op}`, data, { params: { access_token: token } });
        const body = res.data as Partial<Body> | null;
        if (!body || typeof body !== 'object' || typeof body.errcode !== 'number')
          throw new WecomApiError(`wecom ${op}: answer without errcode`, { status: res.status, retryable: true });
        if (body.errcode !== 0 && !accept.has(body.errcode))
          throw errcodeError(op, body.errcode, body.errmsg, res.status);
        wlog.debug({ op, errcode: body.errcode, ms: Math.round(performance.now() - started) }, 'wecom call');
        metrics.sent('wecom', op, 'ok');
        return body as Body;
      } catch (e) {
        const err = toWecomError(op, e);
        const { errcode, status } = err;
        metrics.sent('wecom', op, err.retryAfterMs ? 'rate_limited' : 'error'); // set for 45009 / 45033 / HTTP 429
        if (errcode !== undefined && TOKEN_ERRCODES.has(errcode) && token && !refreshed) {
          refreshed = true;
          tokens.invalidate(token);
          wlog.warn({ op, errcode }, 'wecom access_token rejected; refreshing it once');
          continue;
        }
        if (errcode === BUSY_ERRCODE && busy < MAX_BUSY_RETRIES) {
          const waitMs = BUSY_BACKOFF_MS * 2 ** busy++;
          wlog.warn({ op, errcode, waitMs, attempt: busy }, 'wecom system busy; retrying');
          await sleep(waitMs);
          continue;
        }
        // 45009 / 45033 are not retried here: WeCom blocks the rest of the minute, the job queue waits retryAfterMs
        wlog.warn({ op, errcode, status, retryable: err.retryable, retryAfterMs: err.retryAfterMs }, err.message);
        throw err;
      }
    }
  }

  /** message/send to exactly one member: a `|` or `@all` would reach many members past their pacing buckets. */
  async function send(
    userid: string,
    msg: object,
    duplicateCheck: boolean,
    maxWaitMs?: number,
  ): Promise<Body & { msgid: string }> {
    if (!userid || userid.includes('|') || userid === '@all')
      throw new WecomApiError('wecom message/send: one userid expected', { retryable: false });
    const dedupe = duplicateCheck ? { enable_duplicate_check: 1, duplicate_check_interval: 1800 } : {};
    const body = await call(
      'message/send',
      [APP_KEY, ...memberKeys(userid)],
      { touser: userid, agentid, ...msg, ...dedupe },
      undefined,
      maxWaitMs,
    );
    // a member unknown to WeCom or outside the app's visible range is reported here, with errcode 0
    if (typeof body.invaliduser === 'string' && body.invaliduser)
      throw new WecomApiError('wecom message/send: invalid user', { retryable: false });
    // a retry is safe: the duplicate check (cards: task_id) answers without sending again
    if (typeof body.msgid !== 'string' || !body.msgid)
      throw new WecomApiError('wecom message/send: answer without msgid', { retryable: true });
    return body as Body & { msgid: string };
  }

  async function lookup(op: string, data: object): Promise<string | null> {
    const body = await call(op, [APP_KEY], data, NOT_FOUND);
    return body.errcode === 0 && typeof body.userid === 'string' && body.userid ? body.userid : null;
  }

  return {
    async sendCard(userid, templateCard, opts = {}) {
      const body = await send(userid, { msgtype: 'template_card', template_card: templateCard }, true, opts.maxWaitMs);
      // only interactive cards (button / vote / multiple) come back with a response_code
      return typeof body.response_code === 'string' && body.response_code
        ? { msgid: body.msgid, responseCode: body.response_code }
        : { msgid: body.msgid };
    },

    async sendText(userid, text, o = {}) {
      const { msgid } = await send(userid, { msgtype: 'text', text: { content: text } }, o.duplicateCheck ?? true);
      return { msgid };
    },

    async updateCard(userids, responseCode, templateCard) {
      await call('message/update_template_card', [APP_KEY], {
        userids,
        agentid,
        response_code: responseCode,
        template_card: templateCard,
      });
    },

    // each wrong guess counts: more misses than 20% of the enterprise's size blocks getuserid for a day
    async useridByContact({ mobile, email }) {
      if (mobile?.trim()) {
        const id = await lookup('user/getuserid', { mobile: mobile.trim() });
        if (id) return id;
      }
      if (email?.trim()) return lookup('user/get_userid_by_email', { email: email.trim(), email_type: 1 });
      return null;
    },
  };
}
