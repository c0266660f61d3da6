import { readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';

/**
 * Damages one page of a closed SQLite file the way a flipped bit on disk would: the first cell
 * pointer of a leaf of `table` (its leftmost) points past the end of the page. `PRAGMA
 * quick_check` reports it; the header, the schema and every other page stay intact, so the file
 * still opens. Returns the damaged page's number.
 */
export function damageLeafPage(path: string, table = 'runs'): number {
  const raw = new Database(path, { readonly: true, fileMustExist: true });
  const root = raw.prepare("SELECT rootpage FROM sqlite_schema WHERE type = 'table' AND name = ?").pluck().get(table) as number | undefined;
  raw.close();
  if (!root) throw new Error(`${path} has no table ${table}`);
  const bytes = readFileSync(path);
  const pageSize = bytes.readUInt16BE(16) === 1 ? 65536 : bytes.readUInt16BE(16);
  const start = (page: number): number => (page - 1) * pageSize + (page === 1 ? 100 : 0);
  let page = root;
  while (bytes[start(page)] === 0x05) {
    // An interior table page: the first cell starts with the page number of its left child.
    const cell = bytes.readUInt16BE(start(page) + 12);
    page = bytes.readUInt32BE((page - 1) * pageSize + cell);
  }
  if (bytes[start(page)] !== 0x0d) throw new Error(`page ${page} of ${path} is not a table leaf`);
  bytes.writeUInt16BE(0xfff0, start(page) + 8);
  writeFileSync(path, bytes);
  return page;
}
