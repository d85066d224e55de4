// Per-request plumbing: a request id (kept from X-Request-Id when sane), a child logger, JSON errors, an access log line.
import type { Middleware } from 'koa';
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../src/log.ts';

export interface RequestState {
  requestId: string;
  log: Logger;
  /** the path as logged, when the real one carries personal data (a certificate token names its student) */
  logPath?: string;
}

/** Polled paths whose successful answers are not worth an info line each. */
const QUIET_PATHS = new Set(['/console/api/inbox']);

export function requestContext(log: Logger): Middleware<RequestState> {
  return async (ctx, next) => {
    const given = ctx.get('x-request-id');
    const requestId = /^[A-Za-z0-9._-]{8,64}$/.test(given) ? given : randomUUID();
    ctx.state.requestId = requestId;
    ctx.state.log = log.child({ requestId });
    ctx.set('X-Request-Id', requestId);
    const started = performance.now();
    try {
      await next();
    } catch (e) {
      const err = e as { status?: number; expose?: boolean; message: string };
      ctx.status = err.status && err.status < 600 ? err.status : 500;
      ctx.body = { error: err.expose || ctx.status < 500 ? err.message : 'internal error', request_id: requestId };
      if (ctx.status >= 500) ctx.state.log.error({ err: e }, 'request failed');
    } finally {
      const line = {
        method: ctx.method,
        path: ctx.state.logPath ?? ctx.path,
        status: ctx.status,
        ms: Math.round(performance.now() - started),
      };
      // The console's page asks its inbox every 1.5 s: those lines would be most of the log, so they are debug-level
      // unless something went wrong.
      if (ctx.method === 'GET' && QUIET_PATHS.has(ctx.path) && ctx.status < 400) ctx.state.log.debug(line, 'request');
      else ctx.state.log.info(line, 'request');
    }
  };
}
