// A graduation season (e.g. 2026): the students imported into it and, once purged, only its aggregate report.
import { defineEntity, p } from '@mikro-orm/core';

export const Season = defineEntity({
  name: 'Season',
  tableName: 'season',
  properties: {
    id: p.integer().primary().autoincrement(),
    label: p.text().unique(),
    createdAt: p.datetime().defaultRaw('now()'),
    /** Set by `lixiao purge`: the season's personal data is gone, its report is kept. */
    purgedAt: p.datetime().nullable(),
    /** The progress report per college and step, as it stood when the season was purged. */
    report: p.json<Record<string, unknown>>().nullable(),
  },
});
