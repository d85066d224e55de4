// `lixiao doctor [--json]`: checks the deployment; runs before the configuration is loaded, since checking it is its job.
import { parseArgs } from 'node:util';
import { asJson, asText, exitCode, runDoctor } from '../../doctor/run.ts';

/** The exit code: 0 all passed (warnings allowed), 1 something failed, 2 a malformed command line. */
export async function doctorCommand(argv: string[]): Promise<number> {
  let json: boolean;
  try {
    json = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } }, strict: true }).values.json;
  } catch (e) {
    process.stderr.write(`lixiao: ${(e as Error).message}\nusage: lixiao doctor [--json]\n`);
    return 2;
  }
  const results = await runDoctor();
  process.stdout.write(json ? `${asJson(results)}\n` : asText(results));
  return exitCode(results);
}
