// The student's status page link in approval tasks: the student number and an HMAC of it, so the link is unguessable.
import { createHmac } from 'node:crypto';
import { signatureMatches } from '../crypto.ts';

const mac = (secret: string, studentNo: string) =>
  createHmac('sha256', secret).update(`status:${studentNo}`).digest('base64url').slice(0, 32);

export function statusRef(secret: string, studentNo: string): string {
  return `${encodeURIComponent(studentNo)}.${mac(secret, studentNo)}`;
}

export const statusLink = (publicUrl: string, secret: string, studentNo: string) =>
  `${publicUrl}/approval/status/${statusRef(secret, studentNo)}`;

/** The student number a ref names, or null for a ref this secret did not make. */
export function studentOfRef(secret: string, ref: string): string | null {
  const dot = ref.lastIndexOf('.');
  if (dot <= 0) return null;
  let studentNo: string;
  try {
    studentNo = decodeURIComponent(ref.slice(0, dot));
  } catch {
    return null;
  }
  return signatureMatches(mac(secret, studentNo), ref.slice(dot + 1)) ? studentNo : null;
}
