// Per-event plumbing for handlers: a fresh EntityManager and the identity of whoever is talking.
import type { EntityManager } from '@mikro-orm/postgresql';
import { identify, type Identity } from '../src/people/identify.ts';
import type { Deps, Who } from './types.ts';

export interface Session {
  em: EntityManager;
  me: Identity | null;
}

/** `known`: a session the platform layer has already opened (it identified the person along with other questions). */
export async function openSession(deps: Deps, who: Who, known?: Session): Promise<Session> {
  if (known) return known;
  const em = deps.orm.em.fork();
  return { em, me: await identify(em, who.platform, who.userId, who.altId, deps.now?.()) };
}

/** The steps a person handles (handler assignments, their own and those they stand in for), in workflow order. */
export function handledSteps(deps: Deps, me: Identity): string[] {
  const keys = new Set(me.acting.filter((a) => a.role === 'handler').map((a) => a.stepKey));
  return deps.wf.steps.filter((s) => keys.has(s.key)).map((s) => s.key);
}

export function formUrl(deps: Deps, token: string): string {
  return `${deps.publicUrl}/forms/supervisor/${token}`;
}
