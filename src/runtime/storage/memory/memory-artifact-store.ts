import { type Artifact, type ArtifactMetadata } from '../../artifacts/artifact';
import { ArtifactStore, newArtifactMetadata, type StoreArtifactOptions } from '../../artifacts/artifact-store';
import { formatIsoTimestamp, systemClock, type Clock } from '../../json/timestamp';

const copyMeta = (m: ArtifactMetadata): ArtifactMetadata => ({ ...m, tags: { ...m.tags } });

/** Artifacts in a Map, keyed by id; insertion order for `listByRun`. */
export class InMemoryArtifactStore extends ArtifactStore {
  private readonly items = new Map<string, Artifact>();

  constructor(private readonly clock: Clock = systemClock) {
    super();
  }

  async store(content: Uint8Array, options: StoreArtifactOptions = {}): Promise<ArtifactMetadata> {
    const metadata = newArtifactMetadata(content, options, formatIsoTimestamp(this.clock.nowMicros()));
    const artifactId = metadata.artifactId;
    this.items.delete(artifactId); // re-storing moves it to the end, like a fresh insert
    this.items.set(artifactId, { metadata, content: new Uint8Array(content) });
    return copyMeta(metadata);
  }

  async load(artifactId: string): Promise<Artifact | null> {
    const a = this.items.get(artifactId);
    return a ? { metadata: copyMeta(a.metadata), content: new Uint8Array(a.content) } : null;
  }

  async getMetadata(artifactId: string): Promise<ArtifactMetadata | null> {
    const a = this.items.get(artifactId);
    return a ? copyMeta(a.metadata) : null;
  }

  async exists(artifactId: string): Promise<boolean> {
    return this.items.has(artifactId);
  }

  async delete(artifactId: string): Promise<boolean> {
    return this.items.delete(artifactId);
  }

  async listByRun(runId: string): Promise<ArtifactMetadata[]> {
    return [...this.items.values()].filter((a) => a.metadata.runId === runId).map((a) => copyMeta(a.metadata));
  }

  async listAll(options: { limit?: number } = {}): Promise<ArtifactMetadata[]> {
    const all = [...this.items.values()].map((a) => copyMeta(a.metadata));
    all.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    return all.slice(0, Math.max(0, options.limit ?? 1000));
  }
}
