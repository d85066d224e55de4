// lixiao's own errors carry their class's name and a stable code; only the platform API errors keep the platform's code.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LixiaoError } from '../src/errors.ts';
import { ConfigError } from '../src/config.ts';
import { ListError } from '../src/imports/lists.ts';
import { ImportError } from '../src/imports/csv.ts';
import { WorkflowError } from '../src/workflow/load.ts';
import { EmbeddedPostgresError } from '../src/db/embedded.ts';
import { DecisionError } from '../src/decisions/types.ts';
import { BatchChangedError } from '../src/batches/run-batch.ts';
import { UndoError } from '../src/batches/undo.ts';
import { SeasonError } from '../src/seasons/season-error.ts';
import { CertificateError } from '../src/certificates/certificate-error.ts';
import { DelegationError } from '../src/delegations/delegations.ts';
import { PersonLookupError } from '../src/people/find-person.ts';
import { CliError, UsageError } from '../bot/cli/context.ts';
import { FeishuRequestError } from '../bot/feishu/verify.ts';
import { WecomCryptoError, wecomDecrypt } from '../bot/wecom/crypto.ts';
import { QuotaWait } from '../src/delivery/quota-wait.ts';

const ROOT = new URL('..', import.meta.url).pathname;
function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((f) => {
    const path = join(dir, f);
    return statSync(join(ROOT, path)).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('errors', () => {
  it('each has its own name and a stable snake_case code', () => {
    const errors = [
      new ConfigError('x'),
      new ListError('x'),
      new ImportError('f.csv', [{ line: 2, reason: 'bad' }]),
      new WorkflowError('x'),
      new EmbeddedPostgresError('x'),
      new DecisionError('x'),
      new BatchChangedError('x'),
      new UndoError('x'),
      new SeasonError('x'),
      new CertificateError('x'),
      new DelegationError('self', 'x'),
      new PersonLookupError('person_unknown', 'x'),
      new CliError('x'),
      new UsageError('x'),
      new FeishuRequestError(401, 'x'),
      new WecomCryptoError('signature', 'x'),
      new QuotaWait(1000),
    ];
    for (const e of errors) {
      expect(e).toBeInstanceOf(LixiaoError);
      expect(e.name).toBe(e.constructor.name);
      expect(e.code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(String(e)).toBe(`${e.name}: ${e.message}`);
    }
    const codes = errors.map((e) => e.code);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('an error thrown deep inside says what it is by code, not only by message', () => {
    let caught: unknown;
    try {
      wecomDecrypt('jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C', 'not base64 of anything', 'ww1436e0e65a779aee');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(WecomCryptoError);
    expect((caught as WecomCryptoError).code).toMatch(/^wecom_/);
  });

  it('no error class of ours extends Error directly (the platform API errors carry the platform’s own code)', () => {
    const direct = ['bot', 'handlers', 'cards', 'src']
      .flatMap(sources)
      .flatMap((path) =>
        [...readFileSync(join(ROOT, path), 'utf8').matchAll(/class (\w+) extends Error\b/g)].map((m) => m[1]),
      );
    expect(direct.sort()).toEqual(['FeishuApiError', 'LixiaoError', 'WecomApiError']);
  });
});
