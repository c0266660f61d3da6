/**
 * What the open path needs to know about a workspace file before SQLite touches it: may it be
 * written, and does SQLite's WAL pair (`-wal`, `-shm`) already sit beside it.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Why `path` (an existing file) cannot be written, in words, or null when it can. A file whose
 * owner has no write bit counts as read-only even for an administrator (root passes `access`
 * anyway): the user marked it so, and SQLite would otherwise write it. The folder matters too:
 * a WAL workspace needs its `-wal` and `-shm` beside the file.
 */
export function unwritableReason(path: string): string | null {
  try {
    if ((statSync(path).mode & 0o200) === 0) return 'the file is marked read-only';
    accessSync(path, constants.W_OK);
  } catch {
    return 'you may not write the file';
  }
  try {
    accessSync(dirname(path), constants.W_OK | constants.X_OK);
  } catch {
    return 'its folder cannot be written (SQLite keeps a -wal file beside the workspace)';
  }
  return null;
}

/** The files SQLite keeps beside a WAL-mode database. */
export function walSidecars(path: string): [string, string] {
  return [`${path}-wal`, `${path}-shm`];
}

export function hasWalSidecars(path: string): boolean {
  return walSidecars(path).some((f) => existsSync(f));
}
