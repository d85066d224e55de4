// Reads an import file as UTF-8, and says so plainly when it is not (Excel often saves CSV as GBK).
import { readFile } from 'node:fs/promises';
import { CliError } from './context.ts';

export async function readUtf8(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new CliError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CliError(`${path} is not UTF-8 text; in Excel choose "CSV UTF-8 (逗号分隔)" when saving`);
  }
}
