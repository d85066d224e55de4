// The WeCom access_token holder: cached until 5 minutes before expiry, one gettoken for any number of cold callers.
import type { AxiosInstance } from 'axios';
import { errcodeError, toWecomError, WecomApiError } from './api-errors.ts';
import { cachedToken, type TokenHolder } from '../http/token-cache.ts';

export type { TokenHolder };

/** Refresh this long before `expires_in` runs out. */
const MARGIN_MS = 5 * 60 * 1000;

export function createTokenHolder(
  http: AxiosInstance,
  creds: { corpId: string; secret: string },
  now: () => number = Date.now,
): TokenHolder {
  return cachedToken(
    async () => {
      let body: { errcode?: unknown; errmsg?: unknown; access_token?: unknown; expires_in?: unknown };
      try {
        // the secret travels in the query string (WeCom's design): errors are rebuilt from the answer, never from the request
        const res = await http.get('/cgi-bin/gettoken', { params: { corpid: creds.corpId, corpsecret: creds.secret } });
        body = (typeof res.data === 'object' && res.data !== null ? res.data : {}) as typeof body;
      } catch (e) {
        throw toWecomError('gettoken', e);
      }
      if (typeof body.errcode === 'number' && body.errcode !== 0)
        throw errcodeError('gettoken', body.errcode, body.errmsg);
      const value = body.access_token;
      const expiresIn = Number(body.expires_in);
      if (typeof value !== 'string' || !value || !Number.isFinite(expiresIn) || expiresIn <= 0) {
        throw new WecomApiError('wecom gettoken: answer without a token', { retryable: true });
      }
      return { value, lifeMs: expiresIn * 1000 };
    },
    MARGIN_MS,
    now,
  );
}
