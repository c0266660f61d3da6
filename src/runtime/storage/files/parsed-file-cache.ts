/**
 * Parsed file contents kept between scans, so a scheduler polling a folder of thousands of runs
 * re-reads only the files that changed.
 *
 * A file counts as unchanged when inode, size, mtime and ctime (nanoseconds) are all the same.
 * That alone is not enough: a file rewritten in place with the same size within one filesystem
 * timestamp tick (Python's `open("w")` rewriting "running" as "waiting") keeps all four. So, as
 * git does for its "racily clean" index entries, an entry is kept only for a file whose last change
 * is older than a safety margin when we looked at it: any later change then moves mtime or ctime.
 */
import { readFile, stat } from 'node:fs/promises';
import { errorCode } from './atomic-write';

interface Entry<T> {
  readonly signature: string;
  readonly value: T;
}

// Covers the coarsest common timestamp granularity (FAT and SMB: 2 s; ext4 and APFS: <= 10 ms).
const DEFAULT_RACY_MARGIN_MS = 2000;

export class ParsedFileCache<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(private readonly racyMarginMs = DEFAULT_RACY_MARGIN_MS) {}

  /**
   * The parsed content of `path`, from the cache when the file has not changed, or null when the
   * file does not exist. `parse` errors propagate and nothing is cached for that file.
   */
  async get(path: string, parse: (bytes: Buffer) => T): Promise<T | null> {
    const lookedAtNs = BigInt(Date.now()) * 1_000_000n;
    let info;
    try {
      info = await stat(path, { bigint: true });
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') throw err;
      this.entries.delete(path);
      return null;
    }
    const signature = `${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}`;
    const hit = this.entries.get(path);
    if (hit && hit.signature === signature) return hit.value;
    this.entries.delete(path);
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return null;
      throw err;
    }
    const value = parse(bytes);
    // The signature was taken before the read, so a change during the read makes the next look miss.
    const margin = BigInt(this.racyMarginMs) * 1_000_000n;
    const settled = info.mtimeNs < lookedAtNs - margin && info.ctimeNs < lookedAtNs - margin;
    if (settled) this.entries.set(path, { signature, value });
    return value;
  }

  delete(path: string): void {
    this.entries.delete(path);
  }

  /** Drops the entries of files not in `paths` (deleted since), so the cache cannot grow without bound. */
  retainOnly(paths: ReadonlySet<string>): void {
    for (const key of this.entries.keys()) if (!paths.has(key)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
