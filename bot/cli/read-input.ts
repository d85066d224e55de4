// Reads an import file: CSV as UTF-8 (saying so plainly when it is not: Excel often saves CSV as GBK), or the first
// sheet of an .xlsx workbook.
import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import type { Table } from '../../src/imports/csv.ts';
import { readXlsx } from '../../src/imports/xlsx.ts';
import { CliError } from './context.ts';

export interface ImportInput {
  /** CSV text, or the sheet's rows */
  input: string | Table;
  /** of the file's bytes, for the audit trail */
  sha256: string;
}

// An .xlsx file is a zip archive: "PK\x03\x04".
const isZip = (bytes: Buffer) => bytes.length > 4 && bytes.readUInt32LE(0) === 0x04034b50;

export async function readImportFile(path: string, name: string): Promise<ImportInput> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(`file not found: ${path}`);
    if (code === 'EISDIR') throw new CliError(`${path} is a folder, not a file`);
    if (code === 'EACCES') throw new CliError(`${path} cannot be read (permission denied)`);
    throw new CliError(`cannot read ${path}: ${code ?? (e as Error).message}`);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (/\.xlsx$/i.test(path) || isZip(bytes)) return { input: await readXlsx(bytes, name), sha256 };
  if (/\.xls$/i.test(path)) throw new CliError(`${path} is an old Excel file (.xls); save it as .xlsx or "CSV UTF-8"`);
  try {
    return { input: new TextDecoder('utf-8', { fatal: true }).decode(bytes), sha256 };
  } catch {
    throw new CliError(
      `${path} is not UTF-8 text; in Excel choose "CSV UTF-8 (逗号分隔)" when saving, or save as .xlsx`,
    );
  }
}
