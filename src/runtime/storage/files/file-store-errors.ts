/**
 * Errors of the file stores. They extend the runtime's typed errors, so hosts branch on the
 * stable `code` (READ_ONLY, INVALID_ARGUMENT, CORRUPT_FILE) and may use `instanceof` for the finer kind.
 */
import { CorruptFileError, InvalidArgumentError, RuntimeError } from '../../errors';

/** A write (save, append, store, delete) on a store opened read-only. Nothing was changed. */
export class ReadOnlyStoreError extends RuntimeError {
  readonly readOnly = true;

  constructor(
    readonly location: string,
    readonly operation: string,
  ) {
    super('READ_ONLY', `${location} is open read-only: ${operation} is not allowed. Open it without readOnly to change it.`, {
      location,
      operation,
      readOnly: true,
    });
  }
}

/** An id that cannot be used in a file name (it could escape the folder or is not a name at all). */
export class InvalidFileIdError extends InvalidArgumentError {
  constructor(
    readonly kind: string,
    readonly id: string,
    reason: string,
  ) {
    super(`Invalid ${kind} ${JSON.stringify(id)}: ${reason}. It is used in a file name, so it must be 1 to 200 bytes with no "/", "\\", NUL or "..".`, {
      kind,
      id,
    });
  }
}

/** One line of a JSONL ledger that cannot be read as a record. `line` is 1-based. */
export class CorruptLedgerLineError extends CorruptFileError {
  constructor(
    path: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(path, `line ${line}: ${reason}`);
  }
}
