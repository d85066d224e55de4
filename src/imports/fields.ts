// Field rules shared by the import files: student numbers, dates, identities.
import { z } from 'zod';

export const studentNo = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'student_no must be 1-32 letters, digits, - or _');
export const shortText = (what: string) => z.string().min(1, `${what} is empty`).max(100, `${what} is longer than 100 characters`);

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
  }, 'is not a calendar date');

export const identityFields = {
  feishu_open_id: z.string().max(128).optional(),
  feishu_user_id: z.string().max(128).optional(),
  wecom_userid: z.string().max(64).optional(),
  email: z.email('email is not an email address').optional(),
  mobile: z.string().regex(/^\+?[0-9][0-9 -]{4,19}$/, 'mobile is not a phone number').optional(),
};

export const IDENTITY_COLUMNS = ['feishu_open_id', 'feishu_user_id', 'wecom_userid'] as const;
export type Identity = { [K in keyof typeof identityFields]?: string };
