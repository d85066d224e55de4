// A certificate cannot be issued or a key used, for a reason an operator can act on (the CLI exits 1 with it).
import { LixiaoError } from '../errors.ts';
export class CertificateError extends LixiaoError {
  readonly code = 'certificate_refused';
}
