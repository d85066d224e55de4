// Helpers for the certificate tests: complete or re-open a student's steps as an administrator would.
import { decide } from '../../src/decisions/decide.ts';
import type { Decision } from '../../src/decisions/types.ts';
import type { TestDb } from '../support/db.ts';

export async function decideAs(db: TestDb, decision: Decision, stepKey: string, no: string) {
  const [r] = await decide(db.orm.em.fork(), db.wf, {
    actor: { kind: 'admin', label: 'cli:test' },
    stepKey,
    decision,
    source: 'admin',
    items: [{ studentNo: no }],
  });
  return r!;
}

/** Passes every step of the student, in workflow order (研工办 last). */
export async function complete(db: TestDb, no: string) {
  const results = [];
  for (const s of db.wf.steps) results.push(await decideAs(db, 'pass', s.key, no));
  return results;
}

/** Every way of changing one character of a token to another base64url character (or a dot to a letter). */
export function tampered(token: string, every = 1): string[] {
  const out: string[] = [];
  for (let i = 0; i < token.length; i += every) {
    const ch = token[i]!;
    const other = ch === 'A' ? 'B' : ch === '.' ? 'A' : 'A';
    out.push(token.slice(0, i) + other + token.slice(i + 1));
  }
  return out;
}
