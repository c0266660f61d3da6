/**
 * Reading the folder's JSON files strictly: bytes that are not UTF-8 or not JSON make a
 * CorruptFileError naming the file, never a silent replacement character or a null that would
 * make a corrupt run look like a missing one.
 */
import { readFile } from 'node:fs/promises';
import { CorruptFileError } from '../../errors';
import { JsonParseError, parseJson } from '../../json/parse';
import { type JsonValue } from '../../json/json-value';
import { errorCode } from './atomic-write';

// fatal: invalid UTF-8 is an error (Python's text mode raises too). ignoreBOM: keep a BOM, so it
// is reported as it is by Python's json ("Unexpected UTF-8 BOM") instead of silently dropped.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export function decodeUtf8(bytes: Uint8Array, path: string, where = ''): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new CorruptFileError(path, `${where}the bytes are not valid UTF-8`);
  }
}

/** The file's bytes, or null when it does not exist. Other I/O errors propagate. */
export async function readFileOrNull(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return null;
    throw err;
  }
}

/** Parses one JSON text losslessly; a syntax error becomes a CorruptFileError with line and column. */
export function parseJsonText(text: string, path: string): JsonValue {
  try {
    return parseJson(text);
  } catch (err) {
    if (err instanceof JsonParseError) {
      throw new CorruptFileError(path, `invalid JSON at line ${err.line}, column ${err.column}: ${err.reason}`);
    }
    throw err;
  }
}

export function parseJsonBytes(bytes: Uint8Array, path: string): JsonValue {
  return parseJsonText(decodeUtf8(bytes, path), path);
}

/**
 * Runs `decode` and turns its validation errors (a missing field, a wrong type) into a
 * CorruptFileError for `path`: in a file, a record of the wrong shape is corruption.
 */
export function decodeOrCorrupt<T>(path: string, decode: () => T): T {
  try {
    return decode();
  } catch (err) {
    if (err instanceof CorruptFileError) throw err;
    if (err instanceof Error && 'code' in err && (err.code === 'INVALID_ARGUMENT' || err.code === 'NOT_JSON_SERIALIZABLE')) {
      throw new CorruptFileError(path, err.message);
    }
    throw err;
  }
}
