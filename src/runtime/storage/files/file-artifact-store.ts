/**
 * Artifacts as files, byte-compatible with the Python reference's `FileArtifactStore`:
 * `<baseDir>/artifacts/<id>.bin` holds the bytes and `<id>.meta` the metadata
 * (`json.dump(metadata.to_dict(), ensure_ascii=False, indent=2)`, no trailing newline).
 *
 * Reference semantics kept: `exists` looks only at `.bin`, `load` needs both files, `getMetadata`
 * reads only `.meta`, `delete` removes both and says whether either existed, storing the same bytes
 * again overwrites both (the artifact "moves" to the latest run). Differences: writes are atomic,
 * a `.meta` that cannot be read is a CorruptFileError for `load`/`getMetadata` (not "missing"),
 * and listings skip such files but report them.
 */
import { stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  decodeArtifactMetadata,
  encodeArtifactMetadata,
  validateArtifactId,
  type Artifact,
  type ArtifactMetadata,
} from '../../artifacts/artifact';
import { ArtifactStore, newArtifactMetadata, type StoreArtifactOptions } from '../../artifacts/artifact-store';
import { CorruptFileError } from '../../errors';
import { pyJsonDumps } from '../../json/py-dumps';
import { formatIsoTimestamp, systemClock, type Clock } from '../../json/timestamp';
import { errorCode, writeFileAtomic } from './atomic-write';
import { CorruptFileLog, type CorruptFileHandler } from './corrupt-file-log';
import { listMatchingFiles, type FileNamePattern } from './file-names';
import { decodeOrCorrupt, parseJsonBytes, readFileOrNull } from './read-json-file';
import { StoreFolder, type FileStoreOptions } from './store-folder';

export interface FileArtifactStoreOptions extends FileStoreOptions {
  /** Source of `createdAt` (default: the system clock). */
  clock?: Clock;
  /** Called for each `.meta` file a listing skips because it cannot be read. */
  onCorrupt?: CorruptFileHandler;
}

const META_FILE: FileNamePattern = { prefix: '', suffix: '.meta' };

/** The `.meta` file's exact text. */
export function artifactMetaText(metadata: ArtifactMetadata): string {
  return pyJsonDumps(encodeArtifactMetadata(metadata), { indent: 2 });
}

/** Decodes a `.meta` file; one whose artifact_id differs from its file name is corrupt. */
export function decodeArtifactMetaFile(bytes: Uint8Array, path: string, expectedId: string): ArtifactMetadata {
  const value = parseJsonBytes(bytes, path);
  const meta = decodeOrCorrupt(path, () => decodeArtifactMetadata(value, path));
  if (meta.artifactId !== expectedId) {
    throw new CorruptFileError(path, `it describes artifact ${JSON.stringify(meta.artifactId)}, but its name says ${JSON.stringify(expectedId)}`);
  }
  return meta;
}

export class FileArtifactStore extends ArtifactStore {
  /** `<baseDir>/artifacts`. */
  readonly dir: string;
  private readonly folder: StoreFolder;
  private readonly clock: Clock;
  private readonly corrupt: CorruptFileLog;

  constructor(
    readonly baseDir: string,
    options: FileArtifactStoreOptions = {},
  ) {
    super();
    this.dir = join(baseDir, 'artifacts');
    this.folder = new StoreFolder(this.dir, options);
    this.clock = options.clock ?? systemClock;
    this.corrupt = new CorruptFileLog(options.onCorrupt);
  }

  get readOnly(): boolean {
    return this.folder.readOnly;
  }

  /** The `.bin` and `.meta` paths of an artifact; throws InvalidArtifactIdError for an unsafe id. */
  pathsFor(artifactId: string): { bin: string; meta: string } {
    validateArtifactId(artifactId);
    return { bin: join(this.dir, `${artifactId}.bin`), meta: join(this.dir, `${artifactId}.meta`) };
  }

  async store(content: Uint8Array, options: StoreArtifactOptions = {}): Promise<ArtifactMetadata> {
    const metadata = newArtifactMetadata(content, options, formatIsoTimestamp(this.clock.nowMicros()));
    const artifactId = metadata.artifactId;
    const paths = this.pathsFor(artifactId);
    this.folder.assertWritable(`storing artifact ${artifactId}`);
    const metaText = artifactMetaText(metadata);
    await this.folder.ensureExists();
    // Bytes first, then metadata (as the reference): a crash between the two leaves bytes that
    // `load` and the listings ignore, never metadata pointing at missing bytes.
    await writeFileAtomic(paths.bin, content, { fsync: this.folder.fsync });
    await writeFileAtomic(paths.meta, metaText, { fsync: this.folder.fsync });
    return { ...metadata, tags: { ...metadata.tags } };
  }

  async load(artifactId: string): Promise<Artifact | null> {
    const paths = this.pathsFor(artifactId);
    const [content, metaBytes] = await Promise.all([readFileOrNull(paths.bin), readFileOrNull(paths.meta)]);
    if (content === null || metaBytes === null) return null;
    return { metadata: decodeArtifactMetaFile(metaBytes, paths.meta, artifactId), content: new Uint8Array(content) };
  }

  async getMetadata(artifactId: string): Promise<ArtifactMetadata | null> {
    const paths = this.pathsFor(artifactId);
    const bytes = await readFileOrNull(paths.meta);
    return bytes === null ? null : decodeArtifactMetaFile(bytes, paths.meta, artifactId);
  }

  async exists(artifactId: string): Promise<boolean> {
    const paths = this.pathsFor(artifactId);
    try {
      return (await stat(paths.bin)).isFile();
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return false;
      throw err;
    }
  }

  async delete(artifactId: string): Promise<boolean> {
    const paths = this.pathsFor(artifactId);
    this.folder.assertWritable(`deleting artifact ${artifactId}`);
    const removed = await Promise.all([removeIfPresent(paths.bin), removeIfPresent(paths.meta)]);
    return removed.some(Boolean);
  }

  /** The run's artifacts in file name order (the reference returns glob order). */
  async listByRun(runId: string): Promise<ArtifactMetadata[]> {
    return (await this.scan()).filter((m) => m.runId === runId);
  }

  /** Newest `createdAt` first. */
  async listAll(options: { limit?: number } = {}): Promise<ArtifactMetadata[]> {
    const all = await this.scan();
    // Array.prototype.sort is stable, like Python's sort(reverse=True) for equal timestamps.
    all.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    return all.slice(0, Math.max(0, options.limit ?? 1000));
  }

  /** Paths of the `.meta` files the last listing skipped because they could not be read. */
  corruptFiles(): string[] {
    return this.corrupt.paths();
  }

  private async scan(): Promise<ArtifactMetadata[]> {
    const files = await listMatchingFiles(this.dir, META_FILE);
    return this.corrupt.readEach(files, async (file) => {
      const bytes = await readFileOrNull(file.path); // deleted since the listing: not corrupt, just gone
      return bytes === null ? null : decodeArtifactMetaFile(bytes, file.path, file.id);
    });
  }
}

async function removeIfPresent(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return false;
    throw err;
  }
}
