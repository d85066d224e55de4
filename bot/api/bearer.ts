// Finds the step a bearer token belongs to, comparing in constant time so timing reveals nothing of a token.
import { createHash, timingSafeEqual } from 'node:crypto';

export function stepForToken(header: string | undefined, tokens: Map<string, string>): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!m) return null;
  const given = createHash('sha256').update(m[1]!).digest();
  let found: string | null = null;
  for (const [token, step] of tokens) {
    // Compare every token, not stopping at a match, so the time taken does not say which one matched.
    if (timingSafeEqual(given, createHash('sha256').update(token).digest())) found = step;
  }
  return found;
}
