// lixiao's outbound Feishu OpenAPI: the official SDK client plus what it lacks (token single-flight, rate limits, retries, timeouts).
import { createHash } from 'node:crypto';
import * as lark from '@larksuiteoapi/node-sdk';
import axios, { AxiosError, type AxiosInstance } from 'axios';
import type { Logger } from '../../src/log.ts';
import { classify, FeishuApiError } from './api-errors.ts';
import { createLimiter, type Limiter } from '../delivery/limiter.ts';
import { APP_KEYS, BACKGROUND_KEY, feishuRule, messageKey, userKey } from './limiter.ts';
import { createTokenHolder } from './token.ts';
import { LANE_RANK, type Lane } from '../../src/delivery/lanes.ts';
import { metrics } from '../../src/metrics/metrics.ts';

export { FeishuApiError } from './api-errors.ts';

export interface FeishuApi {
  /**
   * `lane`: which waiters it goes ahead of when the app's quota is short (default notice). `maxWaitMs`: rather than
   * wait longer for the quota, reject with a QuotaWait (src/delivery/quota-wait.ts).
   */
  sendCard(
    openId: string,
    card: object,
    uuid: string,
    lane?: Lane,
    opts?: { maxWaitMs?: number },
  ): Promise<{ messageId: string }>;
  sendText(openId: string, text: string, uuid: string, lane?: Lane): Promise<{ messageId: string }>;
  /** default lane interactive: a copy someone may be looking at */
  patchCard(messageId: string, card: object, lane?: Lane): Promise<void>;
  updateByToken(token: string, card: object): Promise<void>;
  /** email or mobile (as given) -> open_id; contacts Feishu does not know are absent. */
  idsByContact(emails: string[], mobiles: string[]): Promise<Map<string, string>>;
  /** Any other OpenAPI call, through the same token, limiter and retries (the approval center's endpoints). */
  openApi<T>(op: string, req: OpenApiRequest): Promise<T>;
}

export interface OpenApiRequest {
  method: 'GET' | 'POST';
  url: string;
  params?: Record<string, string>;
  data?: unknown;
}

export interface FeishuApiOptions {
  timeoutMs?: number;
  limiter?: Limiter;
  sleep?: (ms: number) => Promise<void>;
}

/** A 429 whose reset is further off than this goes back to the job queue instead of holding a worker. */
export const MAX_INLINE_WAIT_MS = 10_000;
export const MAX_RATE_RETRIES = 3;
const BATCH = 50; // batch_get_id takes at most 50 emails + 50 mobiles

/** Feishu's uuid is at most 50 chars: longer idempotency keys become a stable hash. */
export function feishuUuid(key: string): string {
  return key.length <= 50 ? key : createHash('sha256').update(key).digest('hex').slice(0, 50);
}

/**
 * The SDK's default axios instance unwraps `response.data`; a custom `httpInstance` must do the
 * same or every SDK method resolves to the whole AxiosResponse. Feishu also reports failures as a
 * 200 with a non-zero `code`: those become AxiosErrors here, so one classifier sees every failure
 * with its status and headers (e.g. 230020 with `x-ogw-ratelimit-reset`).
 */
export function feishuHttp(timeoutMs: number): AxiosInstance {
  const http = axios.create({ timeout: timeoutMs });
  // axios' `timeout` is a socket idle timer; the signal bounds the whole exchange (a slow drip too)
  http.interceptors.request.use((config) => {
    config.signal ??= AbortSignal.timeout(timeoutMs);
    return config;
  });
  http.interceptors.response.use((res) => {
    const body = res.data as { code?: unknown } | null;
    if (body && typeof body === 'object' && typeof body.code === 'number' && body.code !== 0) {
      throw new AxiosError(`feishu code ${body.code}`, 'ERR_FEISHU_CODE', res.config, res.request, res);
    }
    // eslint-disable-next-line @typescript-eslint/no-unsafe-return -- callers receive the body, typed where each reads it
    return res.data;
  });
  return http;
}

/** The SDK logs failed requests whole: the raw AxiosError (Authorization header) or the request body (app_secret). */
const quietSdkLogger = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };

export function createFeishuApi(
  creds: { appId: string; appSecret: string; baseUrl: string },
  log: Logger,
  opts: FeishuApiOptions = {},
): FeishuApi {
  const timeoutMs = opts.timeoutMs ?? 5000;
  const limiter = opts.limiter ?? createLimiter({ rule: feishuRule, sleep: opts.sleep });
  const client = new lark.Client({
    appId: creds.appId,
    appSecret: creds.appSecret,
    domain: creds.baseUrl,
    disableTokenCache: true, // our holder below owns the token: single-flight, refresh on 99991663
    httpInstance: feishuHttp(timeoutMs) as unknown as lark.HttpInstance,
    loggerLevel: lark.LoggerLevel.error,
    logger: quietSdkLogger,
  });
  const tokens = createTokenHolder(client, creds);
  const flog = log.child({ platform: 'feishu' });

  /** One OpenAPI call: limiter, token, then in-place retries for a refreshed token (once) and short 429 waits. */
  async function call<T>(
    op: string,
    keys: string[],
    fn: (auth: ReturnType<typeof lark.withTenantToken>) => Promise<T>,
    lane: Lane = 'interactive',
    maxWaitMs?: number,
  ): Promise<T> {
    let refreshed = false;
    let rateRetries = 0;
    for (;;) {
      const queued = performance.now();
      // a QuotaWait goes to the caller as it is: nothing was sent
      await limiter.acquire(lane === 'interactive' ? keys : [...keys, BACKGROUND_KEY], LANE_RANK[lane], maxWaitMs);
      metrics.quotaWaited('feishu', (performance.now() - queued) / 1000);
      let token: string | undefined;
      const started = performance.now();
      try {
        token = await tokens.get(); // its failures are already sorted (kind 'other'): logged and thrown below
        const out = await fn(lark.withTenantToken(token));
        metrics.sent('feishu', op, 'ok');
        flog.debug({ op, ms: Math.round(performance.now() - started) }, 'feishu call');
        return out;
      } catch (e) {
        const f = classify(op, e);
        metrics.sent('feishu', op, f.kind === 'rate' ? 'rate_limited' : 'error');
        const { code, status, logId } = f.error;
        if (f.kind === 'token' && token && !refreshed) {
          refreshed = true;
          tokens.invalidate(token);
          flog.warn({ op, code }, 'feishu token rejected; refreshing it once');
          continue;
        }
        if (f.kind === 'rate' && f.waitMs <= MAX_INLINE_WAIT_MS && rateRetries < MAX_RATE_RETRIES) {
          rateRetries++;
          limiter.pauseFor(f.waitMs); // the whole app is over quota, not just this call
          flog.warn({ op, code, status, waitMs: f.waitMs, attempt: rateRetries }, 'feishu rate limit; waiting');
          continue;
        }
        flog.warn(
          { op, code, status, logId, retryable: f.error.retryable, retryAfterMs: f.error.retryAfterMs },
          f.error.message,
        );
        throw f.error;
      }
    }
  }

  async function send(
    openId: string,
    msgType: 'interactive' | 'text',
    content: string,
    uuid: string,
    lane: Lane,
    maxWaitMs?: number,
  ): Promise<{ messageId: string }> {
    const res = await call(
      'im.message.create',
      [...APP_KEYS, userKey(openId)],
      (auth) =>
        client.im.v1.message.create(
          {
            params: { receive_id_type: 'open_id' },
            data: { receive_id: openId, msg_type: msgType, content, uuid: feishuUuid(uuid) },
          },
          auth,
        ),
      lane,
      maxWaitMs,
    );
    const messageId = res?.data?.message_id;
    // a retry with the same uuid returns the same message, so asking again is safe
    if (!messageId)
      throw new FeishuApiError('feishu im.message.create: answer without message_id', { retryable: true });
    return { messageId };
  }

  return {
    sendCard: (openId, card, uuid, lane = 'notice', opts = {}) =>
      send(openId, 'interactive', JSON.stringify(card), uuid, lane, opts.maxWaitMs),
    sendText: (openId, text, uuid, lane = 'notice') => send(openId, 'text', JSON.stringify({ text }), uuid, lane),

    async patchCard(messageId, card, lane = 'interactive') {
      await call(
        'im.message.patch',
        [...APP_KEYS, messageKey(messageId)],
        (auth) =>
          client.im.v1.message.patch(
            { path: { message_id: messageId }, data: { content: JSON.stringify(card) } },
            auth,
          ),
        lane,
      );
    },

    async updateByToken(token, card) {
      await call('interactive.card.update', [...APP_KEYS], (auth) =>
        client.request({ method: 'POST', url: '/open-apis/interactive/v1/card/update', data: { token, card } }, auth),
      );
    },

    async openApi<T>(op: string, req: OpenApiRequest): Promise<T> {
      return await call(op, [...APP_KEYS], (auth) => client.request(req, auth));
    },

    async idsByContact(emails, mobiles) {
      const found = new Map<string, string>();
      // Feishu may echo a contact normalised (case, +86): match answers back to what we asked
      const asked = new Map<string, string>();
      for (const e of emails) asked.set(normEmail(e), e);
      for (const m of mobiles) asked.set(normMobile(m), m);
      const rounds = Math.max(Math.ceil(emails.length / BATCH), Math.ceil(mobiles.length / BATCH));
      for (let i = 0; i < rounds; i++) {
        const data = {
          emails: emails.slice(i * BATCH, (i + 1) * BATCH),
          mobiles: mobiles.slice(i * BATCH, (i + 1) * BATCH),
        };
        const res = await call(
          'contact.user.batch_get_id',
          [...APP_KEYS],
          (auth) => client.contact.v3.user.batchGetId({ params: { user_id_type: 'open_id' }, data }, auth),
          'bulk',
        );
        for (const u of res?.data?.user_list ?? []) {
          if (!u.user_id) continue; // unknown contact, or no permission to see it
          if (u.email) found.set(asked.get(normEmail(u.email)) ?? u.email, u.user_id);
          if (u.mobile) found.set(asked.get(normMobile(u.mobile)) ?? u.mobile, u.user_id);
        }
      }
      return found;
    },
  };
}

const normEmail = (e: string) => `e:${e.trim().toLowerCase()}`;
const normMobile = (m: string) => `m:${m.replace(/[\s()-]/g, '').replace(/^\+?86(?=1\d{10}$)/, '')}`;
