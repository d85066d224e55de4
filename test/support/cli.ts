// Runs the real `lixiao` command line (bin/lixiao.js) against a test database, with or without a terminal.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function cliRunner(url: () => string, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'lixiao-cli-'));
  const allEnv = () => ({ ...process.env, DATABASE_URL: url(), LOG_LEVEL: 'warn', ...env });
  return {
    dir,
    file(name: string, content: string | Buffer): string {
      writeFileSync(join(dir, name), content);
      return join(dir, name);
    },
    /** without a terminal: stdin is not a TTY, as in a script or cron */
    run(...args: string[]): Promise<CliResult> {
      return new Promise((resolve) => {
        execFile('node', ['bin/lixiao.js', ...args], { env: allEnv() }, (err, stdout, stderr) =>
          resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
        );
      });
    },
    /** on a pseudo-terminal (util-linux `script`), answering the y/N question with `answer` */
    tty(answer: string, ...args: string[]): Promise<{ code: number; output: string }> {
      const command = ['node', 'bin/lixiao.js', ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
      return new Promise((resolve) => {
        const child = spawn('script', ['-qec', command, '/dev/null'], { env: allEnv() });
        let output = '';
        let answered = false;
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (!answered && output.includes('[y/N]')) {
            answered = true;
            child.stdin.write(`${answer}\n`);
          }
        });
        child.on('close', (code) => {
          child.stdin.destroy();
          resolve({ code: code ?? 1, output: output.replace(/\r/g, '') });
        });
      });
    },
  };
}
