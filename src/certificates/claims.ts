// What a certificate token states (its JWT claims set), and the check that a verified payload has that shape.
import { z } from 'zod';

export const claimsSchema = z.object({
  /** the issuing service (LIXIAO_PUBLIC_URL) */
  iss: z.string(),
  /** the certificate id: 128 random bits, base64url */
  jti: z.string().min(1),
  /** issued at, seconds since the epoch */
  iat: z.number().int(),
  student_no: z.string().min(1),
  name: z.string(),
  college: z.string(),
  degree: z.string().nullable(),
  exit_type: z.string(),
  season: z.string(),
  /** when the student's last step passed, ISO 8601 */
  completed_at: z.string(),
});

export type CertificateClaims = z.infer<typeof claimsSchema>;

/** The facts a certificate is about, without its id and times: a change in any of them calls for a new certificate. */
const FACTS = ['student_no', 'name', 'college', 'degree', 'exit_type', 'season', 'completed_at'] as const;
export type CertificateFacts = Pick<CertificateClaims, (typeof FACTS)[number]>;

export function sameFacts(a: CertificateFacts, b: CertificateFacts): boolean {
  return FACTS.every((k) => a[k] === b[k]);
}
