/** What every file store shares: its folder, the read-only switch and the fsync choice. */
import { mkdir } from 'node:fs/promises';
import { ReadOnlyStoreError } from './file-store-errors';

export interface FileStoreOptions {
  /** Every write throws ReadOnlyStoreError and nothing on disk is touched, not even the folder. */
  readOnly?: boolean;
  /** fsync writes (default true): slower, but a power loss cannot lose an acknowledged write. */
  fsync?: boolean;
}

export class StoreFolder {
  readonly readOnly: boolean;
  readonly fsync: boolean;

  constructor(
    readonly dir: string,
    options: FileStoreOptions = {},
  ) {
    this.readOnly = options.readOnly ?? false;
    this.fsync = options.fsync ?? true;
  }

  assertWritable(operation: string): void {
    if (this.readOnly) throw new ReadOnlyStoreError(this.dir, operation);
  }

  /**
   * `mkdir -p` the folder before a write. Done on every write rather than once: it costs one
   * syscall, and a folder removed behind our back (a user, a cleanup job) is simply recreated.
   */
  async ensureExists(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }
}
