/**
 * Snapshots as `snapshot_<snapshot_id>.json` files, byte-compatible with the Python reference's
 * `JsonSnapshotStore`: `json.dump(asdict(snapshot), ensure_ascii=False, indent=2)`, no trailing
 * newline. `save` stamps `updatedAt = now` on the snapshot it is given, as the reference does.
 * `list` reads the files in sorted order and skips (and reports) those it cannot parse; `load`
 * throws CorruptFileError for such a file rather than calling it missing. Writes are atomic.
 */
import { unlink } from 'node:fs/promises';
import { CorruptFileError } from '../../errors';
import { pyJsonDumps } from '../../json/py-dumps';
import { formatIsoTimestamp, systemClock, type Clock } from '../../json/timestamp';
import { decodeSnapshot, encodeSnapshot, searchSnapshots, type Snapshot, type SnapshotQuery, type SnapshotStore } from '../../snapshots/snapshot';
import { errorCode, writeFileAtomic } from './atomic-write';
import { CorruptFileLog, type CorruptFileHandler } from './corrupt-file-log';
import { filePathFor, listMatchingFiles, SNAPSHOT_FILE } from './file-names';
import { decodeOrCorrupt, parseJsonBytes, readFileOrNull } from './read-json-file';
import { StoreFolder, type FileStoreOptions } from './store-folder';

export interface JsonSnapshotStoreOptions extends FileStoreOptions {
  /** Source of `updatedAt` on save, and of the timestamps a file lacks (default: the system clock). */
  clock?: Clock;
  /** Called for each file `list` skips because it cannot be read as a snapshot. */
  onCorrupt?: CorruptFileHandler;
}


/** The snapshot file's exact text. */
export function snapshotFileText(snapshot: Snapshot): string {
  return pyJsonDumps(encodeSnapshot(snapshot), { indent: 2 });
}

export class JsonSnapshotStore implements SnapshotStore {
  private readonly folder: StoreFolder;
  private readonly clock: Clock;
  private readonly corrupt: CorruptFileLog;

  constructor(
    readonly dir: string,
    options: JsonSnapshotStoreOptions = {},
  ) {
    this.folder = new StoreFolder(dir, options);
    this.clock = options.clock ?? systemClock;
    this.corrupt = new CorruptFileLog(options.onCorrupt);
  }

  get readOnly(): boolean {
    return this.folder.readOnly;
  }

  /** `<dir>/snapshot_<id>.json`; throws InvalidFileIdError for an id that cannot be a file name. */
  pathFor(snapshotId: string): string {
    return filePathFor(this.dir, SNAPSHOT_FILE, 'snapshot_id', snapshotId);
  }

  async save(snapshot: Snapshot): Promise<void> {
    const path = this.pathFor(snapshot.snapshotId);
    this.folder.assertWritable(`saving snapshot ${snapshot.snapshotId}`);
    snapshot.updatedAt = formatIsoTimestamp(this.clock.nowMicros());
    const text = snapshotFileText(snapshot);
    await this.folder.ensureExists();
    await writeFileAtomic(path, text, { fsync: this.folder.fsync });
  }

  /** The snapshot, or null when it has no file. Throws CorruptFileError for an unreadable file. */
  async load(snapshotId: string): Promise<Snapshot | null> {
    const path = this.pathFor(snapshotId);
    const bytes = await readFileOrNull(path);
    return bytes === null ? null : this.decode(bytes, path, snapshotId);
  }

  async delete(snapshotId: string): Promise<boolean> {
    const path = this.pathFor(snapshotId);
    this.folder.assertWritable(`deleting snapshot ${snapshotId}`);
    try {
      await unlink(path);
      return true;
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return false;
      throw err;
    }
  }

  async list(query: SnapshotQuery = {}): Promise<Snapshot[]> {
    return searchSnapshots(await this.scan(), query);
  }

  /** Paths of the files the last `list` skipped because they could not be read as snapshots. */
  corruptFiles(): string[] {
    return this.corrupt.paths();
  }

  private decode(bytes: Uint8Array, path: string, expectedId: string): Snapshot {
    const value = parseJsonBytes(bytes, path);
    const snapshot = decodeOrCorrupt(path, () => decodeSnapshot(value, path, this.clock));
    if (snapshot.snapshotId !== expectedId) {
      throw new CorruptFileError(path, `it holds snapshot_id ${JSON.stringify(snapshot.snapshotId)}, but its name says ${JSON.stringify(expectedId)}`);
    }
    return snapshot;
  }

  private async scan(): Promise<Snapshot[]> {
    const files = await listMatchingFiles(this.dir, SNAPSHOT_FILE);
    return this.corrupt.readEach(files, async (file) => {
      const bytes = await readFileOrNull(file.path); // deleted since the listing: not corrupt, just gone
      return bytes === null ? null : this.decode(bytes, file.path, file.id);
    });
  }
}
