// The WeCom access_token holder: cached until 5 minutes before expiry, one gettoken for any number of cold callers.
import type { AxiosInstance } from 'axios';
import { errcodeError, toWecomError, WecomApiError } from './api-errors.ts';

export interface TokenHolder {
  get(): Promise<string>;
  /** Drops `token` if it is still the cached one (a concurrent caller may already hold a newer token). */
  invalidate(token: string): void;
}

/** Refresh this long before `expires_in` runs out; for short-lived tokens at most half their life. */
const MARGIN_MS = 5 * 60 * 1000;

export function createTokenHolder(http: AxiosInstance, creds: { corpId: string; secret: string }, now: () => number = Date.now): TokenHolder {
  let cached: { value: string; refreshAt: number } | undefined;
  let inflight: Promise<string> | undefined;

  async function fetchToken(): Promise<string> {
    const started = now();
    let body: { errcode?: unknown; errmsg?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      // the secret travels in the query string (WeCom's design): errors are rebuilt from the answer, never from the request
      const res = await http.get('/cgi-bin/gettoken', { params: { corpid: creds.corpId, corpsecret: creds.secret } });
      body = (typeof res.data === 'object' && res.data !== null ? res.data : {}) as typeof body;
    } catch (e) {
      throw toWecomError('gettoken', e);
    }
    if (typeof body.errcode === 'number' && body.errcode !== 0) throw errcodeError('gettoken', body.errcode, body.errmsg);
    const value = body.access_token;
    const expiresIn = Number(body.expires_in);
    if (typeof value !== 'string' || !value || !Number.isFinite(expiresIn) || expiresIn <= 0) {
      throw new WecomApiError('wecom gettoken: answer without a token', { retryable: true });
    }
    const lifeMs = expiresIn * 1000;
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
