/**
 * File names of the Python data folder layout (`run_<id>.json`, `ledger_<id>.jsonl`,
 * `snapshot_<id>.json`) and the check that an id is safe to put in one.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { compareCodePoints } from '../../json/py-dumps';
import { errorCode, isTempFileName } from './atomic-write';
import { InvalidFileIdError } from './file-store-errors';

export interface FileNamePattern {
  readonly prefix: string;
  readonly suffix: string;
}

export const RUN_FILE: FileNamePattern = { prefix: 'run_', suffix: '.json' };
export const LEDGER_FILE: FileNamePattern = { prefix: 'ledger_', suffix: '.jsonl' };
export const SNAPSHOT_FILE: FileNamePattern = { prefix: 'snapshot_', suffix: '.json' };

// Leaves room for the prefix, suffix and temp-file decoration within the usual 255-byte name limit.
const MAX_ID_BYTES = 200;

/**
 * Throws InvalidFileIdError unless `id` can name a file inside the folder: not empty, no path
 * separator, no NUL, no "..", at most 200 UTF-8 bytes. Python's uuid4 ids always pass.
 */
export function validateFileId(kind: string, id: string): void {
  if (typeof id !== 'string' || id === '') throw new InvalidFileIdError(kind, String(id), 'it is empty');
  if (/[/\\\0]/.test(id)) throw new InvalidFileIdError(kind, id, 'it contains a path separator or NUL');
  if (id.includes('..')) throw new InvalidFileIdError(kind, id, 'it contains ".."');
  if (Buffer.byteLength(id, 'utf8') > MAX_ID_BYTES) throw new InvalidFileIdError(kind, id, `it is longer than ${MAX_ID_BYTES} bytes`);
}

/** `<dir>/<prefix><id><suffix>`, after validating the id. */
export function filePathFor(dir: string, pattern: FileNamePattern, kind: string, id: string): string {
  validateFileId(kind, id);
  return join(dir, `${pattern.prefix}${id}${pattern.suffix}`);
}

/** The id in a file name of the pattern (the `*` of Python's glob), or null if it does not match. */
export function idFromFileName(name: string, pattern: FileNamePattern): string | null {
  if (isTempFileName(name) || !name.startsWith(pattern.prefix) || !name.endsWith(pattern.suffix)) return null;
  if (name.length < pattern.prefix.length + pattern.suffix.length) return null;
  return name.slice(pattern.prefix.length, name.length - pattern.suffix.length);
}

/** File names sorted as Python sorts paths (by code point). */
export function sortFileNames(names: string[]): string[] {
  return names.sort(compareCodePoints);
}

export interface MatchedFile {
  readonly id: string;
  readonly path: string;
}

/** The files of `dir` matching the pattern, sorted by name; none when the folder does not exist. */
export async function listMatchingFiles(dir: string, pattern: FileNamePattern): Promise<MatchedFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return [];
    throw err;
  }
  const out: MatchedFile[] = [];
  for (const name of sortFileNames(names)) {
    const id = idFromFileName(name, pattern);
    if (id !== null) out.push({ id, path: join(dir, name) });
  }
  return out;
}

/** `fn` over every item, at most `limit` at a time (reads in parallel), results in item order. */
export async function mapInOrder<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += limit) out.push(...(await Promise.all(items.slice(i, i + limit).map(fn))));
  return out;
}
