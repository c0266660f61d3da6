/**
 * How the file stores report the files a scan skipped. The reference skips corrupt files
 * silently; we skip them too (one bad file must not hide every other run from the scheduler) but
 * say so: through an `onCorrupt` callback as they are met, and as the list of the last scan.
 */
import { CorruptFileError } from '../../errors';
import { errorCode } from './atomic-write';

export type CorruptFileHandler = (path: string, error: CorruptFileError) => void;

export class CorruptFileLog {
  private last: readonly string[] = [];

  constructor(private readonly onCorrupt?: CorruptFileHandler) {}

  /** Runs one scan; `skip` records a file it passed over. The list is replaced when the scan ends. */
  async scan<T>(body: (skip: (path: string, error: unknown) => void) => Promise<T>): Promise<T> {
    const found: string[] = [];
    const result = await body((path, error) => {
      const corrupt = asCorrupt(path, error);
      found.push(path);
      this.onCorrupt?.(path, corrupt);
    });
    this.last = found;
    return result;
  }

  /** Paths skipped by the last scan, in scan order. */
  paths(): string[] {
    return [...this.last];
  }
}

/**
 * A scan skips a file it cannot read at all (EACCES, EISDIR, EIO) like a corrupt one, as the
 * reference does (it catches IOError); anything else is a bug and propagates.
 */
export function isSkippableScanError(error: unknown): boolean {
  return error instanceof CorruptFileError || isSystemError(error);
}

/** A Node I/O error (it names the system call), as opposed to a RuntimeError, which also has a `code`. */
export function isSystemError(error: unknown): boolean {
  return error instanceof Error && 'syscall' in error && errorCode(error) !== undefined;
}

function asCorrupt(path: string, error: unknown): CorruptFileError {
  if (error instanceof CorruptFileError) return error;
  return new CorruptFileError(path, `it could not be read (${errorCode(error) ?? String(error)})`);
}
