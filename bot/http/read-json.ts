// Reads a request body with a size cap and parses it as JSON: 413 when too large, 400 when not JSON.
import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { fail } from './fail.ts';

export const MAX_BODY = '1mb';

export async function readRawBody(ctx: Context): Promise<Buffer> {
  try {
    return await getRawBody(ctx.req, { limit: MAX_BODY, length: ctx.get('content-length') || undefined });
  } catch (e) {
    const err = e as { type?: string };
    if (err.type === 'entity.too.large') fail(413, 'request body over 1 MiB');
    fail(400, 'request body could not be read');
  }
}

export async function readJson(ctx: Context): Promise<unknown> {
  const raw = await readRawBody(ctx);
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    fail(400, 'request body is not valid JSON');
  }
}
