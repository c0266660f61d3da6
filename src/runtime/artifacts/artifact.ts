import { createHash } from 'node:crypto';
import { InvalidArgumentError, InvalidArtifactIdError } from '../errors';
import { parseJson } from '../json/parse';
import { isJsonObject, type JsonObject, type JsonValue } from '../json/json-value';

export interface ArtifactMetadata {
  artifactId: string;
  contentType: string;
  sizeBytes: number;
  createdAt: string;
  runId: string | null;
  tags: Record<string, string>;
}

export interface Artifact {
  metadata: ArtifactMetadata;
  content: Uint8Array;
}

/** Content-addressed id, as the reference: `sha256(content).hexdigest()[:32]`. */
export function computeArtifactId(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 32);
}

const ARTIFACT_ID = /^[a-zA-Z0-9_-]+$/;

/** Rejects ids that could escape a folder (`../x`, `a/b`, `a.b`) or are empty. */
export function validateArtifactId(artifactId: string): void {
  if (!artifactId || !ARTIFACT_ID.test(artifactId)) throw new InvalidArtifactIdError(artifactId);
}

export function artifactText(artifact: Artifact, encoding: 'utf-8' | 'utf8' | 'latin1' = 'utf-8'): string {
  return new TextDecoder(encoding === 'utf8' ? 'utf-8' : encoding).decode(artifact.content);
}

export function artifactJson(artifact: Artifact): JsonValue {
  return parseJson(artifactText(artifact));
}

/** `{"$artifact": id}`: how vars refer to an artifact instead of holding a large value. */
export interface ArtifactRef extends JsonObject {
  $artifact: string;
}

export function artifactRef(artifactId: string): ArtifactRef {
  return { $artifact: artifactId };
}

export function isArtifactRef(value: unknown): value is ArtifactRef {
  return isJsonObject(value) && '$artifact' in value;
}

export function getArtifactId(ref: ArtifactRef): string {
  return String(ref.$artifact);
}

export function encodeArtifactMetadata(m: ArtifactMetadata): JsonObject {
  return {
    artifact_id: m.artifactId,
    content_type: m.contentType,
    size_bytes: m.sizeBytes,
    created_at: m.createdAt,
    run_id: m.runId,
    tags: { ...m.tags },
  };
}

export function decodeArtifactMetadata(d: JsonValue, source = 'artifact metadata'): ArtifactMetadata {
  if (!isJsonObject(d)) throw new InvalidArtifactMetadataError(source, 'it is not an object');
  const { artifact_id, content_type, size_bytes, created_at, run_id, tags } = d;
  if (typeof artifact_id !== 'string') throw new InvalidArtifactMetadataError(source, 'artifact_id is missing');
  if (typeof content_type !== 'string') throw new InvalidArtifactMetadataError(source, 'content_type is missing');
  if (typeof size_bytes !== 'number') throw new InvalidArtifactMetadataError(source, 'size_bytes is missing');
  if (typeof created_at !== 'string') throw new InvalidArtifactMetadataError(source, 'created_at is missing');
  const tagMap: Record<string, string> = {};
  if (isJsonObject(tags)) for (const [k, v] of Object.entries(tags)) tagMap[k] = String(v);
  return {
    artifactId: artifact_id,
    contentType: content_type,
    sizeBytes: size_bytes,
    createdAt: created_at,
    runId: typeof run_id === 'string' ? run_id : null,
    tags: tagMap,
  };
}

export class InvalidArtifactMetadataError extends InvalidArgumentError {
  constructor(source: string, reason: string) {
    super(`${source}: invalid artifact metadata (${reason}).`, { source });
  }
}
