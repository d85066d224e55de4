// Whether to serve the local web console: it lets whoever reaches it act as anyone, so loopback only unless forced.
import type { Config } from '../../src/config.ts';
import type { Logger } from '../../src/log.ts';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1)$/;

export const isLoopback = (host: string): boolean => LOOPBACK.test(host);

/**
 * The console lets whoever reaches it act as anyone. As the contract has it, it is on by default when no chat
 * platform is configured, but only on a loopback address (its routes also refuse foreign Hosts, proxied and
 * cross-origin requests), and never silently: with a real database (DATABASE_URL) the warning says so plainly.
 * Any other address needs LIXIAO_CONSOLE=on.
 */
export function consoleWanted(config: Config, log: Logger, forced = process.env.LIXIAO_CONSOLE === 'on'): boolean {
  if (!config.console) return false;
  if (LOOPBACK.test(config.host)) {
    log.warn(
      config.databaseUrl && !forced
        ? 'the local web console is on with a real database (DATABASE_URL): anyone who can reach this port on this machine can act as any student or staff member; set LIXIAO_CONSOLE=off in production'
        : 'the local web console is on: anyone who can reach this port can act as any student or staff member',
    );
    return true;
  }
  if (forced) {
    log.warn(
      { host: config.host },
      'LIXIAO_CONSOLE=on on a non-loopback address: anyone who can reach it can act as ANY person. Never do this in production.',
    );
    return true;
  }
  log.warn(
    { host: config.host },
    'the local web console stays off on a non-loopback address (set LIXIAO_CONSOLE=on to force it)',
  );
  return false;
}
