// Feishu OpenAPI failures sorted for the job queue: retryable or not, rate limits with their wait, token trouble.
import axios from 'axios';

export class FeishuApiError extends Error {
  override name = 'FeishuApiError';
  code?: number;
  status?: number;
  retryable: boolean;
  retryAfterMs?: number;
  /** Feishu's `x-tt-logid`: what their support asks for. */
  logId?: string;

  constructor(
    message: string,
    f: { code?: number; status?: number; retryable: boolean; retryAfterMs?: number; logId?: string; cause?: unknown },
  ) {
    super(message, { cause: f.cause });
    this.code = f.code;
    this.status = f.status;
    this.retryable = f.retryable;
    this.retryAfterMs = f.retryAfterMs;
    this.logId = f.logId;
  }
}

/** Rate limited: gateway 99991400, IM's 230020 (frequency limit). */
export const RATE_LIMIT_CODES = new Set([99991400, 230020]);
/** The token is invalid (99991663) or missing (99991661): fetch a fresh one and try again. */
export const TOKEN_CODES = new Set([99991663, 99991661]);
/** When a 429 carries no reset header, wait this long; and never less than this floor. */
const DEFAULT_RESET_MS = 1000;
const MIN_RESET_MS = 100;

export type Failure =
  | { kind: 'token'; error: FeishuApiError }
  | { kind: 'rate'; waitMs: number; error: FeishuApiError }
  | { kind: 'other'; error: FeishuApiError };

function header(headers: unknown, name: string): string | undefined {
  const h = headers as { get?: (n: string) => unknown } & Record<string, unknown>;
  const v = typeof h?.get === 'function' ? h.get(name) : h?.[name];
  const text = (x: unknown): string => String(x);
  return v == null ? undefined : text(v);
}

/**
 * Sorts whatever a call threw. Our axios instance turns a 2xx with a non-zero `code` into an
 * AxiosError too (see api.ts), so every Feishu answer arrives here as `e.response`.
 * Only the op name, status, code and Feishu's msg go into the message: never headers or bodies.
 */
export function classify(op: string, e: unknown): Failure {
  if (e instanceof FeishuApiError) return { kind: 'other', error: e };
  if (!axios.isAxiosError(e)) {
    return {
      kind: 'other',
      error: new FeishuApiError(`feishu ${op}: ${(e as Error)?.message ?? String(e)}`, { retryable: false, cause: e }),
    };
  }
  const res = e.response;
  if (!res) {
    // no answer: timeout (ECONNABORTED / ETIMEDOUT), our deadline signal (ERR_CANCELED), or a network error
    const what =
      e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT' || e.code === 'ERR_CANCELED'
        ? 'timed out'
        : `network error ${e.code ?? ''}`.trim();
    // no `cause`: an AxiosError holds the request config, Authorization header included
    return { kind: 'other', error: new FeishuApiError(`feishu ${op}: ${what}`, { retryable: true }) };
  }
  const body = (typeof res.data === 'object' && res.data !== null ? res.data : {}) as { code?: unknown; msg?: unknown };
  const code = typeof body.code === 'number' ? body.code : undefined;
  const status = res.status;
  const logId = header(res.headers, 'x-tt-logid');
  const msg = typeof body.msg === 'string' ? body.msg.slice(0, 200) : '';
  const text = `feishu ${op}: HTTP ${status}${code !== undefined ? ` code ${code}` : ''}${msg ? ` ${msg}` : ''}`;
  const base = { code, status, logId };

  if (status === 429 || (code !== undefined && RATE_LIMIT_CODES.has(code))) {
    const reset = Number(header(res.headers, 'x-ogw-ratelimit-reset'));
    const waitMs = Number.isFinite(reset) && reset >= 0 ? Math.max(MIN_RESET_MS, reset * 1000) : DEFAULT_RESET_MS;
    return {
      kind: 'rate',
      waitMs,
      error: new FeishuApiError(text, { ...base, retryable: true, retryAfterMs: waitMs }),
    };
  }
  if (code !== undefined && TOKEN_CODES.has(code)) {
    // still invalid after one refresh: a later attempt (queue backoff) fetches afresh
    return { kind: 'token', error: new FeishuApiError(text, { ...base, retryable: true }) };
  }
  // 5xx: Feishu's side; the uuid makes a retried send safe. Anything else (4xx, non-zero code in a 200) is ours to fix.
  return { kind: 'other', error: new FeishuApiError(text, { ...base, retryable: status >= 500 }) };
}
