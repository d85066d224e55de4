// Whether to serve the local web console (decided in the configuration), said at every start with the rule that decided.
import type { Config } from '../../src/config.ts';
import type { Logger } from '../../src/log.ts';

/** The console lets whoever reaches it act as anyone: never on silently, and the log names the rule either way. */
export function consoleWanted(config: Config, log: Logger): boolean {
  if (!config.console) {
    log.info({ console: 'off', rule: config.consoleRule }, `the local web console is off: ${config.consoleRule}`);
    return false;
  }
  log.warn(
    { console: 'on', rule: config.consoleRule, host: config.host },
    `the local web console is on (${config.consoleRule}): anyone who can reach this port can act as any student or staff member; never run it so in production`,
  );
  return true;
}
