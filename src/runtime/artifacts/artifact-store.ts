import { pyJsonDumps } from '../json/py-dumps';
import { type JsonValue } from '../json/json-value';
import { artifactJson, artifactText, computeArtifactId, getArtifactId, isArtifactRef, validateArtifactId, type Artifact, type ArtifactMetadata } from './artifact';

export interface StoreArtifactOptions {
  contentType?: string;
  runId?: string | null;
  tags?: Record<string, string> | null;
  /** Explicit id; otherwise the content hash. */
  artifactId?: string | null;
}

export interface SearchArtifactsQuery {
  runId?: string | null;
  contentType?: string | null;
  tags?: Record<string, string> | null;
  limit?: number;
}

/**
 * The metadata of a new artifact, as every store writes it: the explicit id (validated) or the
 * content hash, the reference's defaults, and `createdAt` now.
 */
export function newArtifactMetadata(content: Uint8Array, options: StoreArtifactOptions, createdAt: string): ArtifactMetadata {
  const artifactId = options.artifactId ?? computeArtifactId(content);
  validateArtifactId(artifactId);
  return {
    artifactId,
    contentType: options.contentType ?? 'application/octet-stream',
    sizeBytes: content.byteLength,
    createdAt,
    runId: options.runId ?? null,
    tags: { ...(options.tags ?? {}) },
  };
}

/**
 * Artifact storage: large or binary values kept out of run state and referenced by id.
 * Concrete stores implement the abstract methods; the helpers are shared, with the reference's
 * semantics (including `search` applying `limit` to `listAll` before filtering when no run is given).
 */
export abstract class ArtifactStore {
  abstract store(content: Uint8Array, options?: StoreArtifactOptions): Promise<ArtifactMetadata>;
  abstract load(artifactId: string): Promise<Artifact | null>;
  abstract getMetadata(artifactId: string): Promise<ArtifactMetadata | null>;
  abstract exists(artifactId: string): Promise<boolean>;
  abstract delete(artifactId: string): Promise<boolean>;
  abstract listByRun(runId: string): Promise<ArtifactMetadata[]>;
  /** Newest `createdAt` first. */
  abstract listAll(options?: { limit?: number }): Promise<ArtifactMetadata[]>;

  async deleteByRun(runId: string): Promise<number> {
    let n = 0;
    for (const m of await this.listByRun(runId)) if (await this.delete(m.artifactId)) n++;
    return n;
  }

  async search(query: SearchArtifactsQuery = {}): Promise<ArtifactMetadata[]> {
    const limit = query.limit ?? 1000;
    const candidates = query.runId ? await this.listByRun(query.runId) : await this.listAll({ limit });
    const tags = Object.entries(query.tags ?? {});
    const hits = candidates.filter(
      (m) => (!query.contentType || m.contentType === query.contentType) && tags.every(([k, v]) => m.tags[k] === v),
    );
    hits.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    return hits.slice(0, Math.max(0, limit));
  }

  storeText(
    text: string,
    options: { contentType?: string; runId?: string | null; tags?: Record<string, string> | null } = {},
  ): Promise<ArtifactMetadata> {
    return this.store(new TextEncoder().encode(text), { ...options, contentType: options.contentType ?? 'text/plain' });
  }

  /** Bytes are `json.dumps(data, ensure_ascii=False, separators=(",", ":"))`: insertion order, not sorted. */
  storeJson(data: JsonValue, options: { runId?: string | null; tags?: Record<string, string> | null } = {}): Promise<ArtifactMetadata> {
    const bytes = new TextEncoder().encode(pyJsonDumps(data, { separators: [',', ':'] }));
    return this.store(bytes, { ...options, contentType: 'application/json' });
  }

  async loadText(artifactId: string): Promise<string | null> {
    const a = await this.load(artifactId);
    return a ? artifactText(a) : null;
  }

  async loadJson(artifactId: string): Promise<JsonValue | null> {
    const a = await this.load(artifactId);
    return a ? artifactJson(a) : null;
  }
}

/** `store.load(id)` for a ref, null for anything that is not a ref. */
export async function resolveArtifact(value: unknown, store: ArtifactStore): Promise<Artifact | null> {
  return isArtifactRef(value) ? store.load(getArtifactId(value)) : null;
}
