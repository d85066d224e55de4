// The console acts as anyone, so it answers only this machine's browser: loopback Host, same Origin, JSON posts, never framed.
import type { Context, Next } from 'koa';
import { fail } from '../http/fail.ts';

const LOCAL_HOST = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/i;

/**
 * A loopback Host defeats DNS rebinding; a same-origin Origin and an application/json body (which a foreign page
 * cannot send without a CORS preflight we never answer) defeat cross-site requests; a proxy header means it came
 * from outside through a reverse proxy.
 */
export async function consoleGuard(ctx: Context, next: Next): Promise<void> {
  // No page of the console may be framed by another (clickjacking): the modern header and the older one.
  ctx.set('Content-Security-Policy', "frame-ancestors 'none'");
  ctx.set('X-Frame-Options', 'DENY');
  const host = ctx.get('host');
  if (!LOCAL_HOST.test(host)) fail(403, 'the console answers only on a loopback address');
  if (ctx.get('x-forwarded-for') || ctx.get('forwarded')) fail(403, 'the console is not served through a proxy');
  const origin = ctx.get('origin');
  if (origin && origin !== `http://${host}`) fail(403, 'cross-origin request refused');
  if (ctx.method === 'POST' && !ctx.is('application/json')) fail(415, 'send application/json');
  await next();
}
