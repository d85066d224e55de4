// Reads the first sheet of an .xlsx workbook into a Table (exceljs, https://github.com/exceljs/exceljs#reading-xlsx):
// row numbers are the sheet's, so a bad row is reported at the line a person sees in Excel.
import { ImportError, type Table } from './csv.ts';

/** A cell as text: numbers without exponent, dates as YYYY-MM-DD, rich text and formulas by what they show. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  // Excel keeps a date as a day count; exceljs gives it as that day's midnight in UTC.
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'number') return Number.isInteger(value) ? value.toFixed(0) : String(value);
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; result?: unknown; text?: unknown; error?: string };
    if (v.richText) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return cellText(v.result);
    if (v.text !== undefined) return cellText(v.text);
    if (v.error) return v.error;
  }
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- any other kind (a date, say) reads as JavaScript prints it
  return String(value).trim();
}

export async function readXlsx(bytes: Buffer, file: string): Promise<Table> {
  // Loaded only for a spreadsheet: the library is large and most imports are CSV.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (e) {
    throw new ImportError(file, [{ line: 1, reason: `not readable as .xlsx: ${(e as Error).message}` }]);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new ImportError(file, [{ line: 1, reason: 'the workbook has no sheet' }]);
  let header: string[] = [];
  const records: Table['records'] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const values = (row.values as unknown[]).slice(1).map((v) => cellText(v));
    if (!header.length) {
      header = values.map((h) => h.trim());
      return;
    }
    if (values.every((v) => v === '')) return;
    const cells: Record<string, string> = {};
    header.forEach((h, i) => {
      if (h) cells[h] = values[i] ?? '';
    });
    records.push({ line: rowNumber, cells });
  });
  if (!header.length) throw new ImportError(file, [{ line: 1, reason: 'the first sheet is empty' }]);
  return { header, records };
}
