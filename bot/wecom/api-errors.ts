// WeCom API failures sorted for the job queue: retryable or not, rate limits with their wait, and no access_token in any text.
import axios from 'axios';

export class WecomApiError extends Error {
  override name = 'WecomApiError';
  errcode?: number;
  status?: number;
  retryable: boolean;
  retryAfterMs?: number;

  constructor(message: string, f: { errcode?: number; status?: number; retryable: boolean; retryAfterMs?: number }) {
    // never a `cause`: an AxiosError holds the request config, and WeCom puts access_token in the URL
    super(scrub(message));
    this.errcode = f.errcode;
    this.status = f.status;
    this.retryable = f.retryable;
    this.retryAfterMs = f.retryAfterMs;
  }
}

/** access_token invalid (40014), expired (42001) or missing (41001): fetch a fresh one and try again, once. */
export const TOKEN_ERRCODES = new Set([40014, 42001, 41001]);
/** 45009 "api freq out of limit", 45033 "api concurrent out of limit". */
export const RATE_ERRCODES = new Set([45009, 45033]);
/** -1: "system busy", worth a few quick retries in place. */
export const BUSY_ERRCODE = -1;
/** WeCom blocks an over-quota caller for the rest of the minute: no point asking again sooner. */
export const RATE_RETRY_AFTER_MS = 60_000;
/** Egress IP not in the app's 企业可信IP list (apps created after 2022-06-20). */
const UNTRUSTED_IP = 60020;

/** Credentials can reach text through URLs (`?access_token=`, `?corpsecret=`): cut them out wherever they appear. */
export function scrub(text: string): string {
  return text.replace(/(access_token|corpsecret)=[^&\s"']*/gi, '$1=[redacted]');
}

/** A non-zero errcode -> a sorted error. Only the op, status, errcode and errmsg go into the text. */
export function errcodeError(op: string, errcode: number, errmsg: unknown, status?: number): WecomApiError {
  const msg = typeof errmsg === 'string' ? ` ${errmsg.slice(0, 200)}` : '';
  let text = `wecom ${op}: errcode ${errcode}${msg}`;
  if (RATE_ERRCODES.has(errcode))
    return new WecomApiError(text, { errcode, status, retryable: true, retryAfterMs: RATE_RETRY_AFTER_MS });
  // busy: the caller retried in place already; token: still refused after one refresh, a later attempt fetches afresh
  if (errcode === BUSY_ERRCODE || TOKEN_ERRCODES.has(errcode))
    return new WecomApiError(text, { errcode, status, retryable: true });
  if (errcode === UNTRUSTED_IP) text += " (add this server's egress IP to the app's 企业可信IP)";
  return new WecomApiError(text, { errcode, status, retryable: false });
}

/** Sorts whatever a call threw: our own errors pass through, axios failures become retryable or not. */
export function toWecomError(op: string, e: unknown): WecomApiError {
  if (e instanceof WecomApiError) return e;
  if (!axios.isAxiosError(e))
    return new WecomApiError(`wecom ${op}: ${(e as Error)?.message ?? String(e)}`, { retryable: false });
  const res = e.response;
  if (!res) {
    // no answer: axios' timeout (ECONNABORTED / ETIMEDOUT), our deadline signal (ERR_CANCELED), or a network error
    const what =
      e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT' || e.code === 'ERR_CANCELED'
        ? 'timed out'
        : `network error ${e.code ?? ''}`.trim();
    return new WecomApiError(`wecom ${op}: ${what}`, { retryable: true });
  }
  const body = (typeof res.data === 'object' && res.data !== null ? res.data : {}) as {
    errcode?: unknown;
    errmsg?: unknown;
  };
  if (typeof body.errcode === 'number' && body.errcode !== 0)
    return errcodeError(op, body.errcode, body.errmsg, res.status);
  // 5xx: WeCom's side (enable_duplicate_check makes a retried send safe); a 429 is a rate limit; other 4xx are ours to fix
  if (res.status === 429)
    return new WecomApiError(`wecom ${op}: HTTP 429`, {
      status: 429,
      retryable: true,
      retryAfterMs: RATE_RETRY_AFTER_MS,
    });
  return new WecomApiError(`wecom ${op}: HTTP ${res.status}`, { status: res.status, retryable: res.status >= 500 });
}
