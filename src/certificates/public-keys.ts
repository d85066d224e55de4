// Every public key this deployment has signed certificates with, current and retired (the JWKS at /v/keys).
import type { EntityManager } from '@mikro-orm/postgresql';
import { publicJwk, type PublicJwk } from './jws.ts';

export async function publicKeys(em: EntityManager): Promise<PublicJwk[]> {
  const rows = await em.execute<{ kid: string; public_key: string }[]>(
    'select kid, public_key from signing_key order by created_at, kid',
  );
  return rows.map((r) => ({ ...publicJwk(r.public_key), kid: r.kid }));
}
