// Structured logs (pino) to stderr, with secrets redacted wherever they might appear.
import pino, { type Logger } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'token',
  'secret',
  'password',
  'appSecret',
  'encryptKey',
  'encodingAesKey',
  'databaseUrl',
  '*.token',
  '*.secret',
  '*.password',
];

/** Logs go to stderr so that CLI output on stdout (e.g. `status --json`) stays clean. */
export function createLogger(
  level: string = process.env.LOG_LEVEL ?? 'info',
  destination: pino.DestinationStream = pino.destination(2),
): Logger {
  return pino(
    { level, base: { service: 'lixiao' }, redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
    destination,
  );
}

/** A database URL fit for a log line: the password replaced. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
