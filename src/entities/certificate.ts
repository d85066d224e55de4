// A 离校证明 issued to a student: its id (the token's jti), the key that signed it, and whether it still stands.
import { defineEntity, p } from '@mikro-orm/core';
import { Student } from './student.ts';
import { SigningKey } from './signing-key.ts';

export const Certificate = defineEntity({
  name: 'Certificate',
  tableName: 'certificate',
  properties: {
    id: p.text().primary(),
    // a purged student leaves the certificate on record, revoked and without its token
    student: () => p.manyToOne(Student).nullable().deleteRule('set null').index(),
    signingKey: () => p.manyToOne(SigningKey).fieldName('kid'),
    /** the signed token (JWS compact); null once the student is purged */
    token: p.text().nullable(),
    /** when the student's last step passed (the certificate stands while that is still so) */
    completedAt: p.datetime(),
    issuedAt: p.datetime().defaultRaw('now()'),
    revokedAt: p.datetime().nullable(),
    /** reopened:<step> | purged | superseded | not_complete */
    revokedReason: p.text().nullable(),
  },
});
