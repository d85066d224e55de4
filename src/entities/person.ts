// A person (student or staff) with the platform identities the bot recognises them by.
import { defineEntity, p } from '@mikro-orm/core';

export const Person = defineEntity({
  name: 'Person',
  tableName: 'person',
  properties: {
    id: p.integer().primary().autoincrement(),
    name: p.text(),
    feishuOpenId: p.text().nullable().unique(),
    feishuUserId: p.text().nullable().unique(),
    wecomUserid: p.text().nullable().unique(),
    email: p.text().nullable().index(),
    mobile: p.text().nullable().index(),
    /** a staff number (工号), e.g. a supervisor's, by which a supervisor names whom they authorise */
    staffNo: p.text().nullable().unique(),
    /** 'zh' | 'en'; null: not on file (Chinese) */
    lang: p.text().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
  },
});
