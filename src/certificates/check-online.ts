// The online check behind /v/<token>: the signature against this deployment's keys, then the certificate's standing now.
import type { EntityManager } from '@mikro-orm/postgresql';
import { verifyOffline } from './offline.ts';
import { publicKeys } from './public-keys.ts';
import type { CertificateClaims } from './claims.ts';

export type OnlineCheck =
  | { status: 'invalid'; reason: string }
  | {
      status: 'valid' | 'revoked';
      claims: CertificateClaims;
      kid: string;
      issuedAt: string;
      revokedAt?: string;
      /** reopened:<step>, purged, superseded, not_complete */
      revokedReason?: string;
    };

interface Row {
  kid: string;
  token: string | null;
  issued_at: Date;
  revoked_at: Date | null;
  revoked_reason: string | null;
  student_id: number | null;
  /** the student's steps all passed, the last of them at the certified moment */
  standing: boolean;
}

export async function checkOnline(em: EntityManager, token: string): Promise<OnlineCheck> {
  const v = verifyOffline(token, await publicKeys(em));
  if (!v.ok) return { status: 'invalid', reason: v.reason };
  const [row] = await em.execute<Row[]>(
    `select c.kid, c.token, c.issued_at, c.revoked_at, c.revoked_reason, c.student_id,
            (c.student_id is not null
             and not exists (select 1 from clearance o where o.student_id = c.student_id and o.status in ('pending', 'returned'))
             and (select max(d.decided_at) from clearance d where d.student_id = c.student_id and d.status = 'passed') = c.completed_at
            ) as standing
       from certificate c where c.id = ?`,
    [v.claims.jti],
  );
  // Signed by one of our keys but not on record (or recorded under another key): not a certificate we issued.
  if (!row || row.kid !== v.kid || (row.token !== null && row.token !== token))
    return { status: 'invalid', reason: 'no such certificate was issued' };
  const base = { claims: v.claims, kid: v.kid, issuedAt: new Date(row.issued_at).toISOString() };
  if (row.revoked_at)
    return {
      status: 'revoked',
      ...base,
      revokedAt: new Date(row.revoked_at).toISOString(),
      revokedReason: row.revoked_reason ?? undefined,
    };
  // The trigger revokes at the moment a step re-opens; this catches what no trigger sees (a step added later).
  if (!row.standing) return { status: 'revoked', ...base, revokedReason: 'not_complete' };
  return { status: 'valid', ...base };
}
