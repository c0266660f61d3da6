import { hash } from 'node:crypto';
import { type Artifact, type ArtifactMetadata } from '../../artifacts/artifact';
import { ArtifactStore, newArtifactMetadata, type StoreArtifactOptions } from '../../artifacts/artifact-store';
import { formatIsoTimestamp, systemClock, type Clock } from '../../json/timestamp';
import { ARTIFACT_META_COLUMNS, artifactMetadataOf, BLOB_CHUNK_BYTES, blobChunks, joinBlobChunks, type ArtifactMetaRow } from '../artifact-rows';
import { type PgDb, type PgQuery } from './pg-db';

/** Content is stored in chunks of this size, out of the artifact's row (the SQLite workspace's size). */
export const PG_BLOB_CHUNK_BYTES = BLOB_CHUNK_BYTES;

/**
 * Artifacts of a PostgreSQL workspace, as in the SQLite workspace: metadata per artifact id
 * (storing under an existing id replaces it and moves it to the end), the bytes once per sha256
 * in `blobs` + `blob_chunks`, dropped with their last artifact.
 */
export class PgArtifactStore extends ArtifactStore {
  constructor(
    private readonly db: PgDb,
    private readonly clock: Clock = systemClock,
  ) {
    super();
  }

  async store(content: Uint8Array, options: StoreArtifactOptions = {}): Promise<ArtifactMetadata> {
    const sha = hash('sha256', content, 'hex');
    const meta = newArtifactMetadata(content, options, formatIsoTimestamp(this.clock.nowMicros()));
    await this.db.tx(async (q) => {
      const prior = await q.query<{ sha256: string }>('DELETE FROM $S.artifacts WHERE artifact_id = $1 RETURNING sha256', [meta.artifactId]);
      await this.putBlob(q, sha, content);
      await q.query(`INSERT INTO $S.artifacts (${ARTIFACT_META_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
        meta.artifactId, sha, meta.contentType, meta.sizeBytes, meta.createdAt, meta.runId, JSON.stringify(meta.tags),
      ]);
      if (prior[0] && prior[0].sha256 !== sha) await this.dropBlobIfUnused(q, prior[0].sha256);
    });
    return { ...meta, tags: { ...meta.tags } };
  }

  private async putBlob(q: PgQuery, sha: string, content: Uint8Array): Promise<void> {
    const inserted = await q.query('INSERT INTO $S.blobs (sha256, size, chunk_size) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING sha256', [
      sha, content.byteLength, PG_BLOB_CHUNK_BYTES,
    ]);
    if (inserted.length === 0) return; // the same bytes are stored already
    for (const [idx, data] of blobChunks(content)) {
      await q.query('INSERT INTO $S.blob_chunks (sha256, idx, data) VALUES ($1, $2, $3)', [sha, idx, data]);
    }
  }

  private async dropBlobIfUnused(q: PgQuery, sha: string): Promise<void> {
    await q.query('DELETE FROM $S.blobs WHERE sha256 = $1 AND NOT EXISTS (SELECT 1 FROM $S.artifacts WHERE sha256 = $1)', [sha]);
  }

  async load(artifactId: string): Promise<Artifact | null> {
    const [row] = await this.db.query<ArtifactMetaRow>(`SELECT ${ARTIFACT_META_COLUMNS} FROM $S.artifacts WHERE artifact_id = $1`, [artifactId]);
    if (!row) return null;
    const chunks = await this.db.query<{ data: Buffer }>('SELECT data FROM $S.blob_chunks WHERE sha256 = $1 ORDER BY idx', [row.sha256]);
    return { metadata: artifactMetadataOf(row), content: joinBlobChunks(Number(row.size_bytes), chunks.map((c) => c.data)) };
  }

  async getMetadata(artifactId: string): Promise<ArtifactMetadata | null> {
    const [row] = await this.db.query<ArtifactMetaRow>(`SELECT ${ARTIFACT_META_COLUMNS} FROM $S.artifacts WHERE artifact_id = $1`, [artifactId]);
    return row ? artifactMetadataOf(row) : null;
  }

  async exists(artifactId: string): Promise<boolean> {
    return (await this.db.query('SELECT 1 FROM $S.artifacts WHERE artifact_id = $1', [artifactId])).length > 0;
  }

  async delete(artifactId: string): Promise<boolean> {
    return this.db.tx(async (q) => {
      const [gone] = await q.query<{ sha256: string }>('DELETE FROM $S.artifacts WHERE artifact_id = $1 RETURNING sha256', [artifactId]);
      if (!gone) return false;
      await this.dropBlobIfUnused(q, gone.sha256);
      return true;
    });
  }

  async listByRun(runId: string): Promise<ArtifactMetadata[]> {
    return (await this.db.query<ArtifactMetaRow>(`SELECT ${ARTIFACT_META_COLUMNS} FROM $S.artifacts WHERE run_id = $1 ORDER BY ord`, [runId])).map(artifactMetadataOf);
  }

  async listAll(options: { limit?: number } = {}): Promise<ArtifactMetadata[]> {
    const limit = Math.max(0, options.limit ?? 1000);
    return (await this.db.query<ArtifactMetaRow>(`SELECT ${ARTIFACT_META_COLUMNS} FROM $S.artifacts ORDER BY created_at DESC, ord LIMIT $1`, [limit])).map(artifactMetadataOf);
  }
}
