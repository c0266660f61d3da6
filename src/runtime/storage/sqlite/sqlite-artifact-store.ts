import { hash } from 'node:crypto';
import { type Artifact, type ArtifactMetadata } from '../../artifacts/artifact';
import { ArtifactStore, newArtifactMetadata, type StoreArtifactOptions } from '../../artifacts/artifact-store';
import { InvalidArgumentError } from '../../errors';
import { formatIsoTimestamp, systemClock, type Clock } from '../../json/timestamp';
import { ARTIFACT_META_COLUMNS, artifactMetadataOf, BLOB_CHUNK_BYTES, blobChunks, joinBlobChunks, type ArtifactMetaRow } from '../artifact-rows';
import { type WorkspaceDb } from './workspace-db';

export { BLOB_CHUNK_BYTES };
/** The largest `readArtifactChunk` length (a bounded read is the point of it). */
export const MAX_ARTIFACT_CHUNK = 16 * 1024 * 1024;

/**
 * Artifacts of a SQLite workspace. Metadata rows are per artifact id (reference semantics: ids are
 * content hashes unless given, and storing under an existing id replaces it); the bytes live once
 * per sha256 in `blobs`, however many artifacts, runs or explicit ids refer to them, and a blob is
 * dropped when its last artifact is deleted.
 */
export class SqliteArtifactStore extends ArtifactStore {
  constructor(
    private readonly db: WorkspaceDb,
    private readonly clock: Clock = systemClock,
  ) {
    super();
  }

  async store(content: Uint8Array, options: StoreArtifactOptions = {}): Promise<ArtifactMetadata> {
    const sha = hash('sha256', content, 'hex');
    const meta = newArtifactMetadata(content, options, formatIsoTimestamp(this.clock.nowMicros()));
    const artifactId = meta.artifactId;
    this.db.write('store an artifact', () => {
      const prior = this.db.stmt('SELECT sha256 FROM artifacts WHERE artifact_id = ?', 'pluck').get(artifactId) as string | undefined;
      this.putBlob(sha, content);
      // REPLACE gives the row a new rowid: a re-stored artifact moves to the end, as in the memory store.
      this.db
        .stmt(`INSERT OR REPLACE INTO artifacts (${ARTIFACT_META_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`)
        .run(artifactId, sha, meta.contentType, meta.sizeBytes, meta.createdAt, meta.runId, JSON.stringify(meta.tags));
      if (prior !== undefined && prior !== sha) this.dropBlobIfUnused(prior);
    });
    return { ...meta, tags: { ...meta.tags } };
  }

  private putBlob(sha: string, content: Uint8Array): void {
    const inserted = this.db.stmt('INSERT OR IGNORE INTO blobs (sha256, size, chunk_size) VALUES (?, ?, ?)').run(sha, content.byteLength, BLOB_CHUNK_BYTES);
    if (inserted.changes === 0) return; // the same bytes are stored already
    const insertChunk = this.db.stmt('INSERT INTO blob_chunks (sha256, idx, data) VALUES (?, ?, ?)');
    for (const [idx, data] of blobChunks(content)) insertChunk.run(sha, idx, data);
  }

  private dropBlobIfUnused(sha: string): void {
    this.db.stmt('DELETE FROM blobs WHERE sha256 = ? AND NOT EXISTS (SELECT 1 FROM artifacts WHERE sha256 = ?)').run(sha, sha);
  }

  private meta(artifactId: string): ArtifactMetaRow | undefined {
    return this.db.stmt(`SELECT ${ARTIFACT_META_COLUMNS} FROM artifacts WHERE artifact_id = ?`).get(artifactId) as ArtifactMetaRow | undefined;
  }

  async load(artifactId: string): Promise<Artifact | null> {
    return this.db.read(() => {
      const row = this.meta(artifactId);
      if (!row) return null;
      const chunks = this.db.stmt('SELECT data FROM blob_chunks WHERE sha256 = ? ORDER BY idx', 'pluck').all(row.sha256) as Buffer[];
      return { metadata: artifactMetadataOf(row), content: joinBlobChunks(Number(row.size_bytes), chunks) };
    });
  }

  /**
   * Up to `length` bytes of an artifact from byte `offset` (fewer at the end, none past it), or
   * null for an unknown id. Reads only the chunks that overlap the range.
   */
  async readArtifactChunk(artifactId: string, offset: number, length: number): Promise<Uint8Array | null> {
    if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(length) || length < 0 || length > MAX_ARTIFACT_CHUNK) {
      throw new InvalidArgumentError(`readArtifactChunk needs an offset >= 0 and a length from 0 to ${MAX_ARTIFACT_CHUNK} (got ${offset}, ${length}).`);
    }
    return this.db.read(() => {
      const row = this.db.stmt('SELECT a.sha256, b.size, b.chunk_size FROM artifacts a JOIN blobs b ON b.sha256 = a.sha256 WHERE a.artifact_id = ?', 'raw').get(artifactId) as
        | [string, number, number]
        | undefined;
      if (!row) return null;
      const [sha, size, chunkSize] = row;
      const end = Math.min(size, offset + length);
      if (end <= offset) return new Uint8Array(0);
      const first = Math.floor(offset / chunkSize);
      const last = Math.floor((end - 1) / chunkSize);
      const chunks = this.db.stmt('SELECT idx, data FROM blob_chunks WHERE sha256 = ? AND idx BETWEEN ? AND ? ORDER BY idx', 'raw').all(sha, first, last) as [number, Buffer][];
      const out = new Uint8Array(end - offset);
      for (const [idx, data] of chunks) {
        const chunkStart = idx * chunkSize;
        const from = Math.max(offset, chunkStart) - chunkStart;
        const to = Math.min(end, chunkStart + data.byteLength) - chunkStart;
        if (to > from) out.set(data.subarray(from, to), chunkStart + from - offset);
      }
      return out;
    });
  }

  async getMetadata(artifactId: string): Promise<ArtifactMetadata | null> {
    return this.db.read(() => {
      const row = this.meta(artifactId);
      return row ? artifactMetadataOf(row) : null;
    });
  }

  async exists(artifactId: string): Promise<boolean> {
    return this.db.read(() => this.db.stmt('SELECT 1 FROM artifacts WHERE artifact_id = ?', 'pluck').get(artifactId) !== undefined);
  }

  async delete(artifactId: string): Promise<boolean> {
    return this.db.write('delete an artifact', () => {
      const sha = this.db.stmt('SELECT sha256 FROM artifacts WHERE artifact_id = ?', 'pluck').get(artifactId) as string | undefined;
      if (sha === undefined) return false;
      this.db.stmt('DELETE FROM artifacts WHERE artifact_id = ?').run(artifactId);
      this.dropBlobIfUnused(sha);
      return true;
    });
  }

  async listByRun(runId: string): Promise<ArtifactMetadata[]> {
    return this.db.read(() => (this.db.stmt(`SELECT ${ARTIFACT_META_COLUMNS} FROM artifacts WHERE run_id = ? ORDER BY rowid`).all(runId) as ArtifactMetaRow[]).map(artifactMetadataOf));
  }

  async listAll(options: { limit?: number } = {}): Promise<ArtifactMetadata[]> {
    const limit = Math.max(0, options.limit ?? 1000);
    return this.db.read(() =>
      (this.db.stmt(`SELECT ${ARTIFACT_META_COLUMNS} FROM artifacts ORDER BY created_at DESC, rowid LIMIT ?`).all(limit) as ArtifactMetaRow[]).map(artifactMetadataOf),
    );
  }
}
