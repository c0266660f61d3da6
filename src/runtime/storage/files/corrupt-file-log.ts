/**
 * How the file stores report the files a scan skipped. The reference skips corrupt files
 * silently; we skip them too (one bad file must not hide every other run from the scheduler) but
 * say so: through an `onCorrupt` callback as they are met, and as the list of the last scan.
 */
import { CorruptFileError } from '../../errors';
import { errorCode } from './atomic-write';
import { mapInOrder, type MatchedFile } from './file-names';

/** Files a scan reads at once. */
const SCAN_PARALLELISM = 32;

export type CorruptFileHandler = (path: string, error: CorruptFileError) => void;

export class CorruptFileLog {
  private last: readonly string[] = [];

  constructor(private readonly onCorrupt?: CorruptFileHandler) {}

  /**
   * One scan: reads `files` a few at a time and returns what `read` made of them, in file order.
   * A file `read` cannot read or decode is skipped and recorded (see `isSkippableScanError`); a
   * file gone since the listing (`read` returns null) is just left out. The list of skipped files
   * is replaced when the scan ends.
   */
  async readEach<T>(files: readonly MatchedFile[], read: (file: MatchedFile) => Promise<T | null>): Promise<T[]> {
    const skipped: string[] = [];
    const found = await mapInOrder(files, SCAN_PARALLELISM, async (file) => {
      try {
        return await read(file);
      } catch (err) {
        if (!isSkippableScanError(err)) throw err;
        skipped.push(file.path);
        this.onCorrupt?.(file.path, asCorrupt(file.path, err));
        return null;
      }
    });
    this.last = skipped;
    return found.filter((x): x is T => x !== null);
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
