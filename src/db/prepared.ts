// Hot-path statements as named prepared statements: PostgreSQL plans each once per connection, not on every call.
import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

// Planning the tap path's joins cost more than running them (about 1.5 ms a tap of 3.4 ms in the database).
// em.execute inlines parameters into the text, so every call is parsed and planned afresh; these go to the
// driver with bound parameters under a name derived from the text. Parameters are untyped: cast where the
// context does not fix a type (a select list, a function argument).
const names = new Map<string, string>();

function nameOf(sql: string): string {
  let name = names.get(sql);
  if (!name) names.set(sql, (name = `lixiao_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`));
  return name;
}

/** Runs `sql` (with `?` placeholders) on the EntityManager's connection, inside its transaction if it has one. */
export async function prepared<T>(em: EntityManager, sql: string, params: readonly unknown[]): Promise<T[]> {
  const query = em.getKnex().raw(sql, params as never[]).options({ name: nameOf(sql) });
  const trx = em.getTransactionContext();
  if (trx) query.transacting(trx as never);
  return ((await query) as { rows: T[] }).rows;
}
