// Recent applied batches, newest first (lixiao batches).
import type { EntityManager } from '@mikro-orm/postgresql';

export interface BatchLine {
  id: number;
  kind: string;
  /** ISO-8601 */
  at: string;
  by: string;
  count: number;
  undone_by: number | null;
  undoes: number | null;
}

export async function listBatches(em: EntityManager, limit = 50): Promise<BatchLine[]> {
  const rows = await em.execute<(Omit<BatchLine, 'at'> & { at: Date })[]>(
    'select id, kind, at, by, count, undone_by, undoes from batch order by at desc, id desc limit ?',
    [limit],
  );
  return rows.map((r) => ({ ...r, at: new Date(r.at).toISOString() }));
}
