// A batch's changes reduced to what they mean, hashed: the same plan run twice gives the same fingerprint even though
// new rows get new ids and timestamps move, and any difference in what would change gives another one.
import { createHash } from 'node:crypto';

export interface ChangeRow {
  table_name: string;
  row_id: number;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** Columns that hold a time: only whether they are set matters (now() differs between a preview and its apply). */
const TIMES = new Set(['updated_at', 'created_at', 'decided_at', 'ended_at', 'at']);
/** Columns drawn at random when a row is made (a student's form link): only whether they are set matters. */
const RANDOM = new Set(['form_token']);
/** Columns that name a row of another table (tracked ones may be rows this batch created). */
const REFERENCES: Record<string, string> = {
  person_id: 'person',
  decided_by_id: 'person',
  student_id: 'student',
  college_id: 'college',
};

export function fingerprint(rows: ChangeRow[], seasons: Map<number, string>): string {
  // Rows this batch inserted are named by their order of insertion within their table, not by their id.
  const fresh = new Map<string, string>();
  const perTable = new Map<string, number>();
  for (const r of rows)
    if (r.before === null) {
      const n = (perTable.get(r.table_name) ?? 0) + 1;
      perTable.set(r.table_name, n);
      fresh.set(`${r.table_name}:${r.row_id}`, `new ${r.table_name} #${n}`);
    }
  const ref = (table: string, id: unknown) => fresh.get(`${table}:${String(id)}`) ?? id;
  const canonical = (table: string, state: Record<string, unknown> | null) => {
    if (state === null) return null;
    return Object.keys(state)
      .sort()
      .map((k) => {
        const v = state[k];
        if (TIMES.has(k) || RANDOM.has(k)) return [k, v !== null];
        if (k === 'id') return [k, ref(table, v)];
        if (k === 'season_id') return [k, seasons.get(v as number) ?? v];
        if (k in REFERENCES) return [k, ref(REFERENCES[k]!, v)];
        return [k, v];
      });
  };
  const hash = createHash('sha256');
  for (const r of rows)
    hash.update(
      JSON.stringify([
        r.table_name,
        ref(r.table_name, r.row_id),
        canonical(r.table_name, r.before),
        canonical(r.table_name, r.after),
      ]),
    );
  return hash.digest('hex');
}
