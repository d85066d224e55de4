// `lixiao certificate`, `lixiao verify` (offline, by public keys alone) and `lixiao keys [rotate]`.
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { certificateFor } from '../../../src/certificates/issue.ts';
import { Signer } from '../../../src/certificates/signing-keys.ts';
import { publicKeys } from '../../../src/certificates/public-keys.ts';
import { parseJwks, tokenFrom, verifyOffline } from '../../../src/certificates/offline.ts';
import { CertificateError } from '../../../src/certificates/certificate-error.ts';
import type { PublicJwk } from '../../../src/certificates/jws.ts';
import { localDateTime } from '../../../src/time.ts';
import { CliError, UsageError, type CliContext } from '../context.ts';
import { table } from '../format.ts';

export async function certificateCommand(ctx: CliContext, argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError('certificate takes one STUDENT_NO');
  const signer = new Signer(ctx.config.signing, ctx.log);
  const state = await certificateFor(await ctx.em(), signer, ctx.config.publicUrl, positionals[0]!);
  if (!state) throw new CliError(`no student with number ${positionals[0]}`);
  if (values.json)
    return ctx.out(
      JSON.stringify({
        student_no: state.student_no,
        status: state.status,
        ...(state.status === 'issued' ? { url: state.url, token: state.token } : {}),
      }),
    );
  if (state.status === 'issued') {
    ctx.out(
      `issued: ${state.student_no} ${state.name}, completed ${localDateTime(new Date(state.claims!.completed_at), ctx.config.timezone)}`,
    );
    return ctx.out(state.url!);
  }
  if (state.status === 'revoked')
    return ctx.out(`revoked: ${state.student_no} ${state.name} (${state.revokedReason ?? ''} at ${state.revokedAt})`);
  ctx.out(`not complete: ${state.student_no} ${state.name}, open: ${state.openSteps!.join(' ')}`);
}

/** A JWKS from a file or a URL (another office's copy), else this deployment's own public keys. */
async function keysFrom(ctx: CliContext, source: string | undefined): Promise<PublicJwk[]> {
  if (!source) return publicKeys(await ctx.em());
  let text: string;
  try {
    if (/^https?:\/\//.test(source)) {
      const res = await fetch(source, { signal: AbortSignal.timeout(10_000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      text = await res.text();
    } else text = readFileSync(source, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read the keys from ${source}: ${(e as Error).message}`);
  }
  try {
    return parseJwks(text);
  } catch (e) {
    throw new CliError(`${source}: ${(e as Error).message}`);
  }
}

export async function verifyCommand(ctx: CliContext, argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { keys: { type: 'string' }, json: { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError('verify takes one TOKEN or URL');
  const result = verifyOffline(tokenFrom(positionals[0]!), await keysFrom(ctx, values.keys));
  if (!result.ok) {
    if (values.json) ctx.out(JSON.stringify({ status: 'invalid', reason: result.reason }));
    throw new CliError(`invalid certificate: ${result.reason}`);
  }
  const c = result.claims;
  if (values.json) return ctx.out(JSON.stringify({ status: 'valid', kid: result.kid, ...c }));
  ctx.out(`valid signature (key ${result.kid}): ${c.student_no} ${c.name}`);
  ctx.out(
    table(
      [
        { field: 'student_no', value: c.student_no },
        { field: 'name', value: c.name },
        { field: 'college', value: c.college },
        { field: 'degree', value: c.degree },
        { field: 'exit_type', value: c.exit_type },
        { field: 'season', value: c.season },
        { field: 'completed_at', value: c.completed_at },
        { field: 'certificate_id', value: c.jti },
        { field: 'issuer', value: c.iss },
      ],
      ['field', 'value'],
    ),
  );
  ctx.out(`Checked offline: a revocation since it was issued shows only online, at ${c.iss}/v/<token>.`);
}

export async function keysCommand(ctx: CliContext, argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (rest.length || (sub !== undefined && sub !== 'rotate')) throw new UsageError('keys [rotate]');
  const signer = new Signer(ctx.config.signing, ctx.log);
  const em = await ctx.em();
  if (sub === 'rotate') {
    const { kid, retired } = await signer.rotate(em);
    return ctx.out(
      `new signing key ${kid}${retired ? `; ${retired} retired (its private key erased, its public key kept for verification)` : ''}`,
    );
  }
  // The key is created on first use; printing the keys is a use (another office asks for them before any is issued).
  try {
    await signer.current(em);
  } catch (e) {
    if (!(e instanceof CertificateError)) throw e;
    process.stderr.write(`lixiao: warning: ${e.message}\n`);
  }
  ctx.out(JSON.stringify({ keys: await publicKeys(em) }, null, 2));
}
