// Under what a person decides: their own assignments, and those of the people they stand in for (read with them).
import type { EntityManager } from '@mikro-orm/postgresql';
import { identify } from '../people/identify.ts';
import type { AssignmentScope } from './authorize.ts';
import type { CoveredScope, DecisionRequest } from './types.ts';

/** The actor's own assignments and the stand-ins' covers they act under (read here when the caller did not pass them). */
export async function scopesOf(
  em: EntityManager,
  req: DecisionRequest,
  again: <T>(work: () => Promise<T>) => Promise<T>,
): Promise<{ assignments: AssignmentScope[]; standIns: CoveredScope[] }> {
  const actor = req.actor;
  if (actor.kind !== 'person') return { assignments: [], standIns: [] };
  const read = actor.assignments
    ? { assignments: actor.assignments, covers: actor.covers ?? [] }
    : ((await again(() => identify(em, 'console', String(actor.personId), undefined, req.at))) ?? {
        assignments: [],
        covers: [],
      });
  // An authorisation (a supervisor's) covers their students, not an office: only stand-ins add an office's work.
  return { assignments: read.assignments, standIns: read.covers.filter((c) => c.kind === 'stand_in') };
}
