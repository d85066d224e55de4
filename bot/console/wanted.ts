// Whether to serve the local web console: it lets whoever reaches it act as anyone, so loopback only unless forced.
import type { Config } from '../../src/config.ts';
import type { Logger } from '../../src/log.ts';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1)$/;

/**
 * The console lets whoever reaches it act as anyone. On by default only for the embedded demo (no DATABASE_URL)
 * on a loopback address; otherwise only when asked for by LIXIAO_CONSOLE=on, and then loudly.
 */
export function consoleWanted(config: Config, log: Logger, forced = process.env.LIXIAO_CONSOLE === 'on'): boolean {
  if (!config.console) return false;
  if (!forced && config.databaseUrl) {
    log.info('the local web console is off with DATABASE_URL (a real season); LIXIAO_CONSOLE=on turns it on');
    return false;
  }
  if (LOOPBACK.test(config.host)) {
    log.warn('the local web console is on: anyone who can reach this port can act as any student or staff member');
    return true;
  }
  if (forced) {
    log.warn({ host: config.host }, 'LIXIAO_CONSOLE=on on a non-loopback address: anyone who can reach it can act as ANY person. Never do this in production.');
    return true;
  }
  log.warn({ host: config.host }, 'the local web console stays off on a non-loopback address (set LIXIAO_CONSOLE=on to force it)');
  return false;
}
