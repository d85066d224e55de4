// The tenant_access_token holder: cached until shortly before expiry, one request for any number of cold callers.
import type * as lark from '@larksuiteoapi/node-sdk';
import { classify, FeishuApiError } from './api-errors.ts';
import { cachedToken, type TokenHolder } from '../http/token-cache.ts';

export type { TokenHolder };

/** Refresh this long before `expire`, like the SDK. */
const MARGIN_MS = 3 * 60 * 1000;

export function createTokenHolder(
  client: lark.Client,
  creds: { appId: string; appSecret: string },
  now: () => number = Date.now,
): TokenHolder {
  return cachedToken(
    async () => {
      let res: unknown;
      try {
        res = await client.auth.tenantAccessToken.internal({
          data: { app_id: creds.appId, app_secret: creds.appSecret },
        });
      } catch (e) {
        throw classify('tenant_access_token', e).error;
      }
      // The endpoint answers { code, msg, tenant_access_token, expire } at the top level (the SDK's own
      // TokenManager reads it there); the SDK's typings put them under `data`, so accept both.
      const body = res as {
        tenant_access_token?: unknown;
        expire?: unknown;
        data?: { tenant_access_token?: unknown; expire?: unknown };
      };
      const value = body.tenant_access_token ?? body.data?.tenant_access_token;
      const expire = Number(body.expire ?? body.data?.expire);
      if (typeof value !== 'string' || !value || !Number.isFinite(expire) || expire <= 0) {
        throw new FeishuApiError('feishu tenant_access_token: answer without a token', { retryable: true });
      }
      return { value, lifeMs: expire * 1000 };
    },
    MARGIN_MS,
    now,
  );
}
