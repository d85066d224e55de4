// The tenant_access_token holder: cached until shortly before expiry, one request for any number of cold callers.
import type * as lark from '@larksuiteoapi/node-sdk';
import { classify, FeishuApiError } from './api-errors.ts';

export interface TokenHolder {
  get(): Promise<string>;
  /** Drops `token` if it is still the cached one (a concurrent caller may already hold a newer token). */
  invalidate(token: string): void;
}

/** Refresh this long before `expire`, like the SDK; for short-lived tokens at most half their life. */
const MARGIN_MS = 3 * 60 * 1000;

export function createTokenHolder(client: lark.Client, creds: { appId: string; appSecret: string }, now: () => number = Date.now): TokenHolder {
  let cached: { value: string; refreshAt: number } | undefined;
  let inflight: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const started = now();
    let res: unknown;
    try {
      res = await client.auth.tenantAccessToken.internal({ data: { app_id: creds.appId, app_secret: creds.appSecret } });
    } catch (e) {
      throw classify('tenant_access_token', e).error;
    }
    // The endpoint answers { code, msg, tenant_access_token, expire } at the top level (the SDK's own
    // TokenManager reads it there); the SDK's typings put them under `data`, so accept both.
    const body = res as { tenant_access_token?: unknown; expire?: unknown; data?: { tenant_access_token?: unknown; expire?: unknown } };
    const value = body.tenant_access_token ?? body.data?.tenant_access_token;
    const expire = Number(body.expire ?? body.data?.expire);
    if (typeof value !== 'string' || !value || !Number.isFinite(expire) || expire <= 0) {
      throw new FeishuApiError('feishu tenant_access_token: answer without a token', { retryable: true });
    }
    const lifeMs = expire * 1000;
    cached = { value, refreshAt: started + lifeMs - Math.min(MARGIN_MS, lifeMs / 2) };
    return value;
  }

  return {
    get() {
      if (cached && now() < cached.refreshAt) return Promise.resolve(cached.value);
      if (!inflight) {
        const p = fetchToken();
        inflight = p;
        // a failed fetch is not remembered: the next caller tries again
        const clear = () => {
          if (inflight === p) inflight = undefined;
        };
        p.then(clear, clear);
      }
      return inflight;
    },
    invalidate(token) {
      if (cached?.value === token) cached = undefined;
    },
  };
}
