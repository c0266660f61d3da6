import { type ArtifactMetadata } from '../artifacts/artifact';

/**
 * The artifact tables as both workspaces store them (SQLite and PostgreSQL hold the same columns):
 * metadata per artifact id in `artifacts`, the bytes once per sha256 in `blobs` + `blob_chunks`.
 * One row type, one decoding and one way of cutting and joining chunks, so `studio copy` and a
 * chunked read see the same layout whichever store wrote it.
 */

/** Content is stored in chunks of this size, out of the artifact's row, so a chunked read loads only what it returns. */
export const BLOB_CHUNK_BYTES = 256 * 1024;

export interface ArtifactMetaRow {
  artifact_id: string;
  sha256: string;
  content_type: string;
  /** SQLite gives an integer; node-postgres gives a bigint column as text. */
  size_bytes: number | string;
  created_at: string;
  run_id: string | null;
  tags: string;
}

export const ARTIFACT_META_COLUMNS = 'artifact_id, sha256, content_type, size_bytes, created_at, run_id, tags';

export function artifactMetadataOf(row: ArtifactMetaRow): ArtifactMetadata {
  return {
    artifactId: row.artifact_id,
    contentType: row.content_type,
    sizeBytes: Number(row.size_bytes),
    createdAt: row.created_at,
    runId: row.run_id,
    tags: JSON.parse(row.tags) as Record<string, string>,
  };
}

/** The chunks of `content` as stored: index and a view of the bytes (no copy). */
export function* blobChunks(content: Uint8Array): Generator<[number, Buffer]> {
  for (let idx = 0, at = 0; at < content.byteLength; idx++, at += BLOB_CHUNK_BYTES) {
    const len = Math.min(BLOB_CHUNK_BYTES, content.byteLength - at);
    yield [idx, Buffer.from(content.buffer, content.byteOffset + at, len)];
  }
}

/** The content of `size` bytes from its chunks in index order (a chunk past the size is cut, a missing tail stays zero). */
export function joinBlobChunks(size: number, chunks: Iterable<Uint8Array>): Uint8Array {
  const content = new Uint8Array(size);
  let at = 0;
  for (const data of chunks) {
    content.set(data.subarray(0, Math.max(0, content.byteLength - at)), at);
    at += data.byteLength;
  }
  return content;
}
