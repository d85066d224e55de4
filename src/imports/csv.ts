// Reads an import CSV (UTF-8, header row, BOM and CRLF tolerated) into rows that remember their line numbers.
import { LixiaoError } from '../errors.ts';
import { parse } from 'csv-parse/sync';
import type { z } from 'zod';
import { CHINESE_OF, columnName } from './columns.ts';

export interface BadRow {
  line: number;
  reason: string;
}

/** An import that changed nothing because of these rows. */
export class ImportError extends LixiaoError {
  readonly code = 'import_bad_rows';
  constructor(
    readonly file: string,
    readonly bad: BadRow[],
  ) {
    super(
      `${file}: ${bad.length} bad row${bad.length === 1 ? '' : 's'}, nothing imported\n${bad.map((b) => `  line ${b.line}: ${b.reason}`).join('\n')}`,
    );
  }
}

export interface CsvRow<T> {
  line: number;
  value: T;
}

/** A file's rows before validation: the header and each record's cells, with the line (or sheet row) it came from. */
export interface Table {
  header: string[];
  records: { line: number; cells: Record<string, string> }[];
}

/** Parses CSV text into a Table; a file that is not CSV at all is one bad row. */
export function parseCsv(text: string, file: string): Table {
  let header: string[] = [];
  try {
    const columns = (h: string[]) => (header = h.map((c) => c.trim()));
    const records = parse<{ record: Record<string, string>; info: { lines: number } }>(text, {
      bom: true,
      columns,
      skip_empty_lines: true,
      trim: true,
      info: true,
      relax_column_count: true,
    });
    return { header, records: records.map((r) => ({ line: r.info.lines, cells: r.record })) };
  } catch (e) {
    const err = e as { lines?: number; message: string };
    throw new ImportError(file, [{ line: err.lines ?? 1, reason: `not readable as CSV: ${err.message}` }]);
  }
}

/**
 * Validates every row of `input` (CSV text, or a Table read from a spreadsheet) with `schema`; collects every bad row
 * rather than stopping at the first. Chinese headers (学号, 姓名, ...) are read as their English columns; empty cells
 * become undefined so optional columns may be left blank.
 */
export function readCsv<S extends z.ZodType>(
  input: string | Table,
  file: string,
  required: string[],
  schema: S,
): { rows: CsvRow<z.infer<S>>[]; bad: BadRow[] } {
  const table = typeof input === 'string' ? parseCsv(input, file) : input;
  const header = table.header.map(columnName);
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length)
    throw new ImportError(file, [
      {
        line: 1,
        reason: `missing column${missing.length > 1 ? 's' : ''} ${missing.map((c) => `${c} (${CHINESE_OF[c] ?? c})`).join(', ')}`,
      },
    ]);
  const rows: CsvRow<z.infer<S>>[] = [];
  const bad: BadRow[] = [];
  for (const { cells, line } of table.records) {
    const clean = Object.fromEntries(Object.entries(cells).map(([k, v]) => [columnName(k), v === '' ? undefined : v]));
    const parsed = schema.safeParse(clean);
    if (parsed.success) rows.push({ line, value: parsed.data });
    else
      bad.push({
        line,
        reason: parsed.error.issues
          .map((i) => (i.path.length ? `${i.path.join('.')} ${i.message}` : i.message))
          .join('; '),
      });
  }
  return { rows, bad };
}

/** Rows whose key repeats an earlier row's are bad rows: which one was meant is unknowable. */
export function duplicateRows<T>(rows: CsvRow<T>[], key: (v: T) => string, what: string): BadRow[] {
  const first = new Map<string, number>();
  const bad: BadRow[] = [];
  for (const r of rows) {
    const k = key(r.value);
    const seen = first.get(k);
    if (seen !== undefined) bad.push({ line: r.line, reason: `${what} ${k} already on line ${seen}` });
    else first.set(k, r.line);
  }
  return bad;
}
