// A college (学院): the scope of the college-level steps and of college admins.
import { defineEntity, p } from '@mikro-orm/core';

export const College = defineEntity({
  name: 'College',
  tableName: 'college',
  properties: {
    id: p.integer().primary().autoincrement(),
    name: p.text().unique(),
  },
});
