// Which season an import of students goes into: the one named, else the newest open one, else this year's.
import type { EntityManager } from '@mikro-orm/postgresql';
import { localParts } from '../time.ts';
import { SeasonError } from './season-error.ts';

export interface SeasonRef {
  id: number;
  label: string;
}

const LABEL = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,39}$/u;

export async function seasonForImport(
  em: EntityManager,
  label: string | undefined,
  timeZone: string,
  now = new Date(),
): Promise<SeasonRef> {
  if (label === undefined) {
    // FOR SHARE, held to the import's commit: a purge of that season waits for the import, or the import sees it purged.
    const [open] = await em.execute<SeasonRef[]>(
      'select id, label from season where purged_at is null order by id desc limit 1 for share',
    );
    if (open) return open;
    label = String(localParts(now, timeZone).year);
  }
  if (!LABEL.test(label))
    throw new SeasonError(`season label "${label}" must be 1-40 letters, digits, spaces, dots, dashes or underscores`);
  await em.execute('insert into season (label) values (?) on conflict (label) do nothing', [label]);
  const [row] = await em.execute<(SeasonRef & { purged_at: string | null })[]>(
    'select id, label, purged_at from season where label = ? for share',
    [label],
  );
  if (row!.purged_at)
    throw new SeasonError(
      `season ${label} was purged on ${new Date(row!.purged_at).toISOString().slice(0, 10)}; import into another season`,
    );
  return { id: row!.id, label: row!.label };
}
