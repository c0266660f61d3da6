/**
 * The artifact layout of the Python AbstractRuntime 0.4 ("v1"), read-only:
 *
 *   artifacts/refs/<id>.meta          the metadata (artifact_id, blob_id, content_type, size_bytes, …)
 *   artifacts/blobs/<sha256>.bin      the content, named by its sha256
 *
 * (plus an `artifact_catalog.sqlite3` index, not needed to read). Artifacts of the 0.2 layout
 * (`artifacts/<id>.bin` + `.meta`) in the same folder are still read, through `legacy`. A blob that
 * is missing, or whose sha256 differs from its name, is flagged in the metadata's tags
 * (`studio.integrity`), so every view of the artifact shows it; the content is never trusted silently.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ArtifactStore } from '../../artifacts/artifact-store';
import { type Artifact, type ArtifactMetadata } from '../../artifacts/artifact';
import { isJsonObject } from '../../json/json-value';
import { parseJson } from '../../json/parse';
import { errorCode } from './atomic-write';
import { ReadOnlyStoreError } from './file-store-errors';

/** The tag that flags a damaged v1 artifact: "blob missing" or "sha256 mismatch". */
export const INTEGRITY_TAG = 'studio.integrity';

const ID = /^[A-Za-z0-9._-]+$/;

export class V1ArtifactStore extends ArtifactStore {
  constructor(
    private readonly dir: string,
    private readonly legacy: ArtifactStore,
  ) {
    super();
  }

  private get refs(): string {
    return join(this.dir, 'artifacts', 'refs');
  }

  /** The metadata and the blob id of a v1 artifact, or null when it has no ref. */
  private async ref(artifactId: string): Promise<{ metadata: ArtifactMetadata; blobId: string } | null> {
    if (!ID.test(artifactId)) return null;
    let text: string;
    try {
      text = await readFile(join(this.refs, `${artifactId}.meta`), 'utf8');
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return null;
      throw err;
    }
    const d = parseJson(text);
    if (!isJsonObject(d)) return null;
    const str = (k: string): string | null => (typeof d[k] === 'string' ? (d[k] as string) : null);
    const tags: Record<string, string> = {};
    if (isJsonObject(d['tags'])) for (const [k, v] of Object.entries(d['tags'])) if (typeof v === 'string') tags[k] = v;
    const size = Number(d['size_bytes'] ?? 0);
    const metadata = { artifactId, contentType: str('content_type') ?? 'application/octet-stream', sizeBytes: Number.isFinite(size) ? size : 0, createdAt: str('created_at') ?? '', runId: str('run_id'), tags };
    return { metadata, blobId: str('blob_id') ?? '' };
  }

  private async blob(blobId: string): Promise<Buffer | null> {
    if (!ID.test(blobId)) return null;
    try {
      return await readFile(join(this.dir, 'artifacts', 'blobs', `${blobId}.bin`));
    } catch (err) {
      if (errorCode(err) === 'ENOENT') return null;
      throw err;
    }
  }

  async load(artifactId: string): Promise<Artifact | null> {
    const ref = await this.ref(artifactId);
    if (!ref) return this.legacy.load(artifactId);
    const content = await this.blob(ref.blobId);
    if (!content) return { metadata: flagged(ref.metadata, 'blob missing'), content: new Uint8Array() };
    const sha = createHash('sha256').update(content).digest('hex');
    return { metadata: sha === ref.blobId ? ref.metadata : flagged(ref.metadata, 'sha256 mismatch'), content };
  }

  /** Metadata with the integrity of the blob checked (so a list shows damaged artifacts too). */
  async getMetadata(artifactId: string): Promise<ArtifactMetadata | null> {
    const ref = await this.ref(artifactId);
    if (!ref) return this.legacy.getMetadata(artifactId);
    return (await this.load(artifactId))?.metadata ?? null;
  }

  async exists(artifactId: string): Promise<boolean> {
    return (await this.ref(artifactId)) !== null || this.legacy.exists(artifactId);
  }

  async listByRun(runId: string): Promise<ArtifactMetadata[]> {
    return (await this.listAll({ limit: Number.MAX_SAFE_INTEGER })).filter((m) => m.runId === runId);
  }

  async listAll(options: { limit?: number } = {}): Promise<ArtifactMetadata[]> {
    let names: string[] = [];
    try {
      names = (await readdir(this.refs)).filter((n) => n.endsWith('.meta'));
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') throw err;
    }
    const all: ArtifactMetadata[] = [...(await this.legacy.listAll({ limit: Number.MAX_SAFE_INTEGER }))];
    for (const name of names) {
      const m = await this.getMetadata(name.slice(0, -'.meta'.length));
      if (m) all.push(m);
    }
    all.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    return all.slice(0, Math.max(0, options.limit ?? 1000));
  }

  store(): Promise<ArtifactMetadata> {
    throw new ReadOnlyStoreError(this.dir, 'store an artifact');
  }

  delete(): Promise<boolean> {
    throw new ReadOnlyStoreError(this.dir, 'delete an artifact');
  }
}

const flagged = (m: ArtifactMetadata, problem: string): ArtifactMetadata => ({ ...m, tags: { ...m.tags, [INTEGRITY_TAG]: problem } });
