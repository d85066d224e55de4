// Output formats of the CLI: aligned tables (CJK-aware), CSV and JSON.
import { stringify } from 'csv-stringify/sync';
import { CliError } from './context.ts';

export type Format = 'table' | 'csv' | 'json';

/** Display width: CJK and full-width characters take two columns in a terminal. */
function width(s: string): number {
  let w = 0;
  for (const ch of s)
    w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(ch)
      ? 2
      : 1;
  return w;
}

export function table(rows: Record<string, unknown>[], columns: string[]): string {
  const text = (v: unknown): string => String(v);
  const cells = rows.map((r) => columns.map((c) => (r[c] === null || r[c] === undefined ? '' : text(r[c]))));
  const widths = columns.map((c, i) => Math.max(width(c), ...cells.map((row) => width(row[i]!))));
  const line = (vals: string[]) =>
    vals
      .map((v, i) => v + ' '.repeat(widths[i]! - width(v)))
      .join('  ')
      .trimEnd();
  return [line(columns), ...cells.map(line)].join('\n');
}

/**
 * Rows as JSON or CSV with their field names (for programs: unchanged), or as a table for people: headers in
 * `headers`' words and cells through `forPeople` (times in the university's zone).
 */
export function render(
  rows: Record<string, unknown>[],
  columns: string[],
  format: Format,
  people: {
    headers?: Record<string, string>;
    forPeople?: (row: Record<string, unknown>) => Record<string, unknown>;
  } = {},
): string {
  if (format === 'json') return JSON.stringify(rows, null, 2);
  if (format === 'csv') return stringify(rows, { header: true, columns });
  const headers = people.headers ?? {};
  const shown = rows.map((r) => {
    const row = people.forPeople ? people.forPeople(r) : r;
    return Object.fromEntries(columns.map((c) => [headers[c] ?? c, row[c]]));
  });
  return table(
    shown,
    columns.map((c) => headers[c] ?? c),
  );
}

export function parseFormat(value: string | undefined): Format {
  const f = value ?? 'table';
  if (f !== 'table' && f !== 'csv' && f !== 'json')
    throw new CliError(`--format must be table, csv or json, not "${f}"`);
  return f;
}
