// A student's certificate: issued once every step has passed, the same one handed out again, a new one after a change.
import { readCommitted } from '../db/retry.ts';
import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { parseCompact, signCompact } from './jws.ts';
import { sameFacts, type CertificateClaims } from './claims.ts';
import type { Signer } from './signing-keys.ts';

export type CertificateStatus = 'issued' | 'not_complete' | 'revoked';

export interface CertificateState {
  student_no: string;
  name: string;
  status: CertificateStatus;
  /** LIXIAO_PUBLIC_URL/v/<token>, when issued */
  url?: string;
  token?: string;
  claims?: CertificateClaims;
  /** steps still open, when not complete */
  openSteps?: string[];
  /** the last certificate's revocation, when revoked */
  revokedAt?: string;
  revokedReason?: string;
}

interface Facts {
  id: number;
  student_no: string;
  name: string;
  college: string;
  degree: string | null;
  exit_type: string;
  season: string;
  open_steps: string[];
  /** when the last step passed, to the microsecond (ISO, UTC), as the database has it */
  completed_exact: string | null;
}

export const verifyUrl = (publicUrl: string, token: string) => `${publicUrl}/v/${token}`;

function readFacts(em: EntityManager, studentNo: string): Promise<Facts[]> {
  return em.execute<Facts[]>(
    `select s.id, s.student_no, s.name, c.name as college, s.degree, s.exit_type, se.label as season,
            coalesce((select array_agg(o.step_key order by o.step_key) from clearance o
                       where o.student_id = s.id and o.status in ('pending', 'returned')), '{}') as open_steps,
            (select to_char(max(d.decided_at) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') from clearance d
              where d.student_id = s.id and d.status = 'passed') as completed_exact
       from student s join college c on c.id = s.college_id join season se on se.id = s.season_id
      where s.student_no = ?`,
    [studentNo],
  );
}

/**
 * The student's certificate, issuing one when every step has passed and no current certificate states the same facts
 * (a changed name, or a completion after a revocation, supersedes the old one). Null for an unknown student number.
 * One transaction at READ COMMITTED whatever the role's default: ten requests at once wait on the live index and then
 * read the certificate the first one issued, instead of failing to serialize.
 */
export function certificateFor(
  em: EntityManager,
  signer: Signer,
  publicUrl: string,
  studentNo: string,
): Promise<CertificateState | null> {
  return readCommitted(em, (t) => certificateIn(t, signer, publicUrl, studentNo));
}

/** certificateFor's work, in its transaction. */
async function certificateIn(
  em: EntityManager,
  signer: Signer,
  publicUrl: string,
  studentNo: string,
): Promise<CertificateState | null> {
  // A step revoked between the read and the insert makes the insert void; reading again then says so.
  for (let attempt = 0; attempt < 3; attempt++) {
    const [f] = await readFacts(em, studentNo);
    if (!f) return null;
    const [live] = await em.execute<{ id: string; token: string; current: boolean }[]>(
      `select id, token, completed_at = ?::timestamptz as current from certificate where student_id = ? and revoked_at is null`,
      [f.completed_exact, f.id],
    );
    const complete = f.open_steps.length === 0 && f.completed_exact !== null;
    const facts = complete ? factsOf(f, publicUrl) : undefined;
    if (live && facts && live.current) {
      const held = parseCompact(live.token);
      if (held.ok && sameFacts(held.payload as CertificateClaims, facts))
        return {
          student_no: f.student_no,
          name: f.name,
          status: 'issued',
          token: live.token,
          url: verifyUrl(publicUrl, live.token),
          claims: held.payload as CertificateClaims,
        };
    }
    const revoke = (id: string, reason: string) =>
      em.execute(`update certificate set revoked_at = now(), revoked_reason = ? where id = ? and revoked_at is null`, [
        reason,
        id,
      ]);
    if (!facts) {
      if (live) await revoke(live.id, 'not_complete');
      return notIssued(em, f);
    }
    // Signed before the old one is superseded: a key that cannot be used leaves the old certificate standing.
    const { kid, key } = await signer.current(em);
    const claims: CertificateClaims = {
      ...facts,
      jti: randomBytes(16).toString('base64url'),
      iat: Math.floor(Date.now() / 1000),
    };
    const token = signCompact(claims, key, kid);
    if (live) await revoke(live.id, 'superseded');
    const inserted = await em.execute<{ id: string }[]>(
      `insert into certificate (id, student_id, kid, token, completed_at)
       select ?, ?, ?, ?, ?::timestamptz
        where not exists (select 1 from clearance o where o.student_id = ? and o.status in ('pending', 'returned'))
          and (select max(d.decided_at) from clearance d where d.student_id = ? and d.status = 'passed') = ?::timestamptz
       on conflict do nothing returning id`,
      [claims.jti, f.id, kid, token, f.completed_exact, f.id, f.id, f.completed_exact],
    );
    if (inserted.length)
      return {
        student_no: f.student_no,
        name: f.name,
        status: 'issued',
        token,
        url: verifyUrl(publicUrl, token),
        claims,
      };
    // Another request issued one at the same moment (the live index held), or the student changed: read again.
  }
  throw new Error(`the certificate of ${studentNo} kept changing while it was issued`);
}

function factsOf(f: Facts, publicUrl: string): Omit<CertificateClaims, 'jti' | 'iat'> {
  return {
    iss: publicUrl,
    student_no: f.student_no,
    name: f.name,
    college: f.college,
    degree: f.degree,
    exit_type: f.exit_type,
    season: f.season,
    completed_at: new Date(f.completed_exact!).toISOString(),
  };
}

async function notIssued(em: EntityManager, f: Facts): Promise<CertificateState> {
  const [last] = await em.execute<{ revoked_at: Date; revoked_reason: string | null }[]>(
    `select revoked_at, revoked_reason from certificate where student_id = ? order by revoked_at desc limit 1`,
    [f.id],
  );
  return last
    ? {
        student_no: f.student_no,
        name: f.name,
        status: 'revoked',
        openSteps: f.open_steps,
        revokedAt: new Date(last.revoked_at).toISOString(),
        revokedReason: last.revoked_reason ?? undefined,
      }
    : { student_no: f.student_no, name: f.name, status: 'not_complete', openSteps: f.open_steps };
}
