/**
 * Atomic file replacement: write a temp file in the same folder, fsync it, rename it over the
 * target, fsync the folder. A crash at any point leaves either the old file or the new one,
 * never half a file (the reference 0.2.0 writes in place with `open("w")`, which can).
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /**
   * fsync the data before the rename and the folder after it (default true). Without it a power
   * loss can still surface an empty file on some filesystems, even though the rename is atomic.
   */
  fsync?: boolean;
  /** Permission bits of a new file (default 0o666, less the umask); 0o600 for files only the owner may read. */
  mode?: number;
}

/** Temp files start with "." and end with ".tmp", so no store glob (`run_*.json`, `*.meta`) can match them. */
export const TEMP_FILE_SUFFIX = '.tmp';

export function isTempFileName(name: string): boolean {
  return name.startsWith('.') && name.endsWith(TEMP_FILE_SUFFIX);
}

/** Replaces `path` with `data` (a string is written as UTF-8), atomically. */
export async function writeFileAtomic(path: string, data: string | Uint8Array, options: AtomicWriteOptions = {}): Promise<void> {
  const fsync = options.fsync ?? true;
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}${TEMP_FILE_SUFFIX}`);
  let handle: FileHandle | null = null;
  try {
    handle = await open(temp, 'wx', options.mode ?? 0o666); // 'x': never reuse a file someone else created under this name
    await handle.writeFile(data);
    if (fsync) await handle.sync();
    await handle.close();
    handle = null;
    await rename(temp, path);
  } catch (err) {
    if (handle) await handle.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  if (fsync) await syncFolder(dir);
}

// Codes of platforms that cannot fsync a folder (Windows, some network filesystems): the rename
// is done and nothing better is possible there, so these are not errors.
const FOLDER_SYNC_UNSUPPORTED = new Set(['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'ENOTSUP', 'EBADF']);

/** Makes a rename or a new file in `dir` durable. */
export async function syncFolder(dir: string): Promise<void> {
  let handle: FileHandle | null = null;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    if (!FOLDER_SYNC_UNSUPPORTED.has(errorCode(err) ?? '')) throw err;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** The `code` of a Node system error (ENOENT, EACCES, ...), if any. */
export function errorCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string') return err.code;
  return undefined;
}
