/**
 * Line access to JSONL files that may be far larger than one JS string can hold (a ledger of a
 * million records): forward streaming in chunks, and reading only the tail for the last line.
 *
 * Lines are split on the byte 0x0A, which never occurs inside a UTF-8 multi-byte sequence, and
 * each line is decoded strictly, so invalid UTF-8 is reported on its line instead of turning into
 * U+FFFD (which would surface later as a baffling hash mismatch).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { errorCode } from './atomic-write';

// See read-json-file.ts: strict, and a BOM is kept so it is reported rather than dropped.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The line's text, trimmed as Python's `line.strip()`, or null when the bytes are not UTF-8. */
function decodeLine(bytes: Uint8Array): string | null {
  try {
    return UTF8.decode(bytes).trim();
  } catch {
    return null;
  }
}

export interface JsonlLine {
  /** 1-based line number in the file, blank lines included. */
  readonly line: number;
  /** The trimmed text; empty when `undecodable`. */
  readonly text: string;
  /** False for a last line with no "\n" after it: possibly cut short by a crash. */
  readonly terminated: boolean;
  /** The bytes are not valid UTF-8 (reported by the parser of the line, with its number). */
  readonly undecodable?: boolean;
}

const NEWLINE = 0x0a;
const CHUNK_BYTES = 1 << 20;
const TAIL_CHUNK_BYTES = 64 * 1024;

/** The file opened for reading, or null when it does not exist. */
async function openOrNull(path: string): Promise<FileHandle | null> {
  try {
    return await open(path, 'r');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return null;
    throw err;
  }
}

/**
 * The non-blank lines of `path` in order (as the reference's `list`: stripped, blanks skipped); none if it does not exist.
 * Lines that are not UTF-8 are yielded with `undecodable` (never blank-skipped).
 */
export async function* readJsonlLines(path: string): AsyncGenerator<JsonlLine> {
  const handle = await openOrNull(path);
  if (!handle) return;
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    // Bytes of the current line from earlier chunks (copies: `buffer` is reused). Joined once the
    // line ends, so a very long line costs linear, not quadratic, copying.
    let pending: Buffer[] = [];
    let line = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      const chunk = buffer.subarray(0, bytesRead);
      let start = 0;
      for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
        line++;
        const bytes = pending.length > 0 ? Buffer.concat([...pending, chunk.subarray(start, nl)]) : chunk.subarray(start, nl);
        pending = [];
        const item = lineItem(line, bytes, true);
        if (item) yield item;
        start = nl + 1;
      }
      if (start < chunk.length) pending.push(Buffer.from(chunk.subarray(start)));
    }
    if (pending.length > 0) {
      const item = lineItem(line + 1, Buffer.concat(pending), false);
      if (item) yield item;
    }
  } finally {
    await handle.close();
  }
}

function lineItem(line: number, bytes: Uint8Array, terminated: boolean): JsonlLine | null {
  const text = decodeLine(bytes);
  if (text === null) return { line, text: '', terminated, undecodable: true };
  return text === '' ? null : { line, text, terminated };
}

export interface LastLine {
  /** The trimmed text; empty when `undecodable`. */
  readonly text: string;
  readonly undecodable?: boolean;
  /** Byte offset where the line starts (to number it, only when it must be reported). */
  readonly offset: number;
  readonly terminated: boolean;
}

const isBlankByte = (b: number | undefined): boolean => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;

/** The last non-blank line of `path`, reading backwards from the end; null for a missing or blank file. */
export async function readLastLine(path: string): Promise<LastLine | null> {
  const handle = await openOrNull(path);
  if (!handle) return null;
  try {
    const size = (await handle.stat()).size;
    let tail: Buffer = Buffer.alloc(0);
    let tailStart = size;
    // Doubling the read each round keeps the copying linear even when the last line is huge.
    for (let want = TAIL_CHUNK_BYTES; tailStart > 0; want *= 2) {
      const start = Math.max(0, tailStart - want);
      const chunk = Buffer.allocUnsafe(tailStart - start);
      await readExactly(handle, chunk, start);
      tail = Buffer.concat([chunk, tail]);
      tailStart = start;
      const found = lastLineIn(tail, tailStart === 0);
      if (found) {
        const bytes = tail.subarray(found.start, found.end);
        const offset = tailStart + found.start;
        const text = decodeLine(bytes);
        const terminated = tail.indexOf(NEWLINE, found.end) !== -1;
        return text === null ? { text: '', undecodable: true, offset, terminated } : { text, offset, terminated };
      }
    }
    return null;
  } finally {
    await handle.close();
  }
}

/** Bounds of the last non-blank line in `tail`, or null if more of the file must be read first. */
function lastLineIn(tail: Buffer, atFileStart: boolean): { start: number; end: number } | null {
  let end = tail.length;
  while (end > 0 && isBlankByte(tail[end - 1])) end--;
  if (end === 0) return null; // all blank so far
  const nl = tail.lastIndexOf(NEWLINE, end - 1);
  if (nl !== -1) return { start: nl + 1, end };
  return atFileStart ? { start: 0, end } : null;
}

async function readExactly(handle: FileHandle, into: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < into.length) {
    const { bytesRead } = await handle.read(into, done, into.length - done, position + done);
    if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${position + done}`);
    done += bytesRead;
  }
}

/** 1-based number of the line starting at byte `offset` (counts the newlines before it). */
export async function lineNumberAt(path: string, offset: number): Promise<number> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let line = 1;
    for (let pos = 0; pos < offset; ) {
      const { bytesRead } = await handle.read(buffer, 0, Math.min(CHUNK_BYTES, offset - pos), pos);
      if (bytesRead === 0) break;
      for (let i = buffer.indexOf(NEWLINE, 0); i !== -1 && i < bytesRead; i = buffer.indexOf(NEWLINE, i + 1)) line++;
      pos += bytesRead;
    }
    return line;
  } finally {
    await handle.close();
  }
}
