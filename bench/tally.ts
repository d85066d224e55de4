// Tallies what a scenario was told per row: the outcomes, which students were acknowledged as applied (and how often), errors.
export interface Tally {
  /** rows or requests answered, errors included */
  answered: number;
  outcomes: Map<string, number>;
  /** student number -> times acknowledged as applied */
  appliedAcks: Map<string, number>;
  errors: string[];
}

export function newTally(): Tally {
  return { answered: 0, outcomes: new Map(), appliedAcks: new Map(), errors: [] };
}

export function record(t: Tally, studentNo: string, outcome: string): void {
  t.answered++;
  t.outcomes.set(outcome, (t.outcomes.get(outcome) ?? 0) + 1);
  if (outcome === 'applied') t.appliedAcks.set(studentNo, (t.appliedAcks.get(studentNo) ?? 0) + 1);
}

export function recordError(t: Tally, message: string): void {
  t.answered++;
  t.errors.push(message);
}

export const count = (t: Tally, outcome: string): number => t.outcomes.get(outcome) ?? 0;

/** Students acknowledged as applied at least once. */
export const ackedStudents = (t: Tally): string[] => [...t.appliedAcks.keys()];

/** Students acknowledged as applied more than once: a doubled decision as the callers saw it. */
export const ackedTwice = (t: Tally): number => [...t.appliedAcks.values()].filter((n) => n > 1).length;

export function formatOutcomes(t: Tally): string {
  const parts = [...t.outcomes.entries()].sort().map(([k, v]) => `${k} ${v}`);
  if (t.errors.length) parts.push(`errors ${t.errors.length}`);
  return parts.join(', ') || 'nothing';
}
