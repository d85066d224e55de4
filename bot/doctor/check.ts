// One line of the doctor's checklist: what was checked, how it went, and what to do about it.

/** pass; fail (exit code 1); warn (works, but not as the README recommends; exit code unchanged); skip (not applicable). */
export type Status = 'pass' | 'fail' | 'warn' | 'skip';

export interface CheckResult {
  area: string;
  name: string;
  status: Status;
  detail: string;
  /** what to do, for fail and warn */
  fix?: string;
}

/** Builds the results of one area. */
export function area(name: string) {
  return {
    pass: (check: string, detail: string): CheckResult => ({ area: name, name: check, status: 'pass', detail }),
    fail: (check: string, detail: string, fix: string): CheckResult => ({
      area: name,
      name: check,
      status: 'fail',
      detail,
      fix,
    }),
    warn: (check: string, detail: string, fix: string): CheckResult => ({
      area: name,
      name: check,
      status: 'warn',
      detail,
      fix,
    }),
    skip: (check: string, detail: string): CheckResult => ({ area: name, name: check, status: 'skip', detail }),
  };
}

/** Network checks give up after this: a hanging endpoint is a failure to report, not a doctor that hangs. */
export const NETWORK_TIMEOUT_MS = 5000;

/** An error's message, with the cause node's fetch hides behind "fetch failed". */
export function reasonOf(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err?.name === 'TimeoutError' || err?.name === 'AbortError')
    return `no answer within ${NETWORK_TIMEOUT_MS / 1000} s`;
  const cause = err?.cause ? ` (${err.cause.code ?? err.cause.message})` : '';
  return `${err?.message ?? String(e)}${cause}`;
}

/** JSON from a URL, with the doctor's timeout; the status comes back whatever the body. */
export async function fetchJson(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: Record<string, any> | null; text: string; location: string | null }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(NETWORK_TIMEOUT_MS), redirect: 'manual' });
  const text = await res.text();
  let body: Record<string, any> | null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  return { status: res.status, body, text, location: res.headers.get('location') };
}
