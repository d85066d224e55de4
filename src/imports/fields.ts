// Field rules shared by the import files: student numbers, dates, identities.
import { z } from 'zod';

// Messages name no field: the CSV reader puts the column name in front ("campus must be one of ...").
export const studentNo = z
  .string({ error: 'is empty' })
  .regex(/^[A-Za-z0-9_-]{1,32}$/, 'must be 1-32 letters, digits, - or _');
export const shortText = z.string({ error: 'is empty' }).max(100, 'is longer than 100 characters');

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
  email: z.email('is not an email address').optional(),
  mobile: z
    .string()
    .regex(/^\+?[0-9][0-9 -]{4,19}$/, 'is not a phone number')
    .optional(),
};

/** The language a person reads cards in: zh / en / 中文 / English (any case); blank keeps what is stored. */
export const langField = z
  .string()
  .transform((v, ctx) => {
    const s = v.trim().toLowerCase();
    if (['zh', '中文'].includes(s)) return 'zh' as const;
    if (['en', 'english'].includes(s)) return 'en' as const;
    ctx.addIssue({ code: 'custom', message: 'must be zh, en, 中文 or English' });
    return z.NEVER;
  })
  .optional();

export const IDENTITY_COLUMNS = ['feishu_open_id', 'feishu_user_id', 'wecom_userid'] as const;
export type Identity = { [K in keyof typeof identityFields]?: string };
