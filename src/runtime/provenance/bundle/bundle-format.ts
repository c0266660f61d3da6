/**
 * The audit bundle: one UTF-8 JSONL file (`.arbundle.jsonl`), every line one canonical JSON object
 * with a `section`, in this order: the manifest, the keys, the checkpoints, the records, the
 * artifacts. Records are the exact ledger lines Python writes (as JSON strings), so the hashes
 * recompute and the `ledger_<run_id>.jsonl` file can be rebuilt byte for byte. The full format
 * and the verification algorithm are in docs/audit-bundle.md.
 */
import { isJsonObject, type JsonObject, type JsonValue } from '../../json/json-value';
import { parseJson } from '../../json/parse';
import { type ArtifactMetadata } from '../../artifacts/artifact';
import { canonicalJson } from '../../json/py-dumps';
import { isHash, sha256Hex } from '../encoding';

export const BUNDLE_TYPE = 'abstractruntime.audit-bundle.v1';
export const BUNDLE_FILE_SUFFIX = '.arbundle.jsonl';

/** An artifact's metadata as the store keeps it, plus what the bundle needs to check it. */
export interface BundleArtifactEntry extends ArtifactMetadata {
  /** sha256 hex of the content. */
  sha256: string;
  /** A record of the run refers to it (`{"$artifact": id}`), as opposed to only being stored under the run. */
  referenced: boolean;
}

export interface BundleManifest {
  runId: string;
  workflowId: string | null;
  createdAt: string;
  tool: { name: string; version: string };
  records: number;
  headHash: string | null;
  checkpoints: number;
  /** sha256 of the last checkpoint's statement. */
  lastCheckpoint: string | null;
  keys: number;
  /** sha256 of the canonical JSON array of the key records, in bundle order. */
  keysDigest: string;
  artifacts: number;
  artifactContent: 'included' | 'hashes-only';
  artifactsDigest: string;
  /** Who sealed (signed) the manifest, or null for an unsealed bundle. */
  sealedBy: { actorId: string; keyId: string } | null;
}

export function encodeArtifactEntry(a: BundleArtifactEntry): JsonObject {
  return {
    artifact_id: a.artifactId,
    content_type: a.contentType,
    size_bytes: a.sizeBytes,
    created_at: a.createdAt,
    run_id: a.runId,
    tags: { ...a.tags },
    sha256: a.sha256,
    referenced: a.referenced,
  };
}

/** sha256 of the canonical JSON array of the artifact entries (or key records), in bundle order. */
export function artifactsDigest(entries: readonly JsonValue[]): string {
  return sha256Hex(canonicalJson([...entries]));
}

export const keysDigest = artifactsDigest;

export function manifestStatement(m: BundleManifest): string {
  return canonicalJson({
    type: BUNDLE_TYPE,
    run_id: m.runId,
    workflow_id: m.workflowId,
    created_at: m.createdAt,
    tool: { name: m.tool.name, version: m.tool.version },
    records: m.records,
    head_hash: m.headHash,
    checkpoints: m.checkpoints,
    last_checkpoint: m.lastCheckpoint,
    keys: m.keys,
    keys_digest: m.keysDigest,
    artifacts: m.artifacts,
    artifact_content: m.artifactContent,
    artifacts_digest: m.artifactsDigest,
    sealed_by: m.sealedBy ? { actor_id: m.sealedBy.actorId, key_id: m.sealedBy.keyId } : null,
  });
}

const count = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const optStr = (v: unknown): v is string | null => v === null || typeof v === 'string';

/** The manifest in a statement, or the reason it cannot be read. */
export function parseManifest(statement: string): { ok: true; manifest: BundleManifest } | { ok: false; reason: string } {
  let d;
  try {
    d = parseJson(statement);
  } catch {
    return { ok: false, reason: 'the manifest statement is not JSON' };
  }
  if (!isJsonObject(d) || d['type'] !== BUNDLE_TYPE) return { ok: false, reason: `the manifest statement is not a ${BUNDLE_TYPE} object` };
  if (canonicalJson(d) !== statement) return { ok: false, reason: 'the manifest statement is not in canonical form' };
  const tool = d['tool'];
  const sealed = d['sealed_by'];
  if (typeof d['run_id'] !== 'string' || !optStr(d['workflow_id']) || typeof d['created_at'] !== 'string') return { ok: false, reason: 'run_id, workflow_id or created_at has the wrong type' };
  if (!count(d['records']) || !count(d['checkpoints']) || !count(d['keys']) || !count(d['artifacts'])) return { ok: false, reason: 'the counts must be whole numbers' };
  if (!(d['head_hash'] === null || isHash(d['head_hash'])) || !(d['last_checkpoint'] === null || isHash(d['last_checkpoint'])) || !isHash(d['artifacts_digest']) || !isHash(d['keys_digest'])) {
    return { ok: false, reason: 'head_hash, last_checkpoint, keys_digest and artifacts_digest must be sha256 hex (or null)' };
  }
  if (d['artifact_content'] !== 'included' && d['artifact_content'] !== 'hashes-only') return { ok: false, reason: 'artifact_content must be "included" or "hashes-only"' };
  if (!isJsonObject(tool) || typeof tool['name'] !== 'string' || typeof tool['version'] !== 'string') return { ok: false, reason: 'tool must be {name, version}' };
  if (sealed !== null && !(isJsonObject(sealed) && typeof sealed['actor_id'] === 'string' && typeof sealed['key_id'] === 'string')) return { ok: false, reason: 'sealed_by must be null or {actor_id, key_id}' };
  return {
    ok: true,
    manifest: {
      runId: d['run_id'],
      workflowId: d['workflow_id'],
      createdAt: d['created_at'],
      tool: { name: tool['name'], version: tool['version'] },
      records: d['records'],
      headHash: d['head_hash'],
      checkpoints: d['checkpoints'],
      lastCheckpoint: d['last_checkpoint'],
      keys: d['keys'],
      keysDigest: d['keys_digest'],
      artifacts: d['artifacts'],
      artifactContent: d['artifact_content'],
      artifactsDigest: d['artifacts_digest'],
      sealedBy: sealed === null ? null : { actorId: sealed['actor_id'] as string, keyId: sealed['key_id'] as string },
    },
  };
}

/** One bundle line, "\n" included. */
export function bundleLine(value: JsonObject): string {
  return `${canonicalJson(value)}\n`;
}

/** Ids of `{"$artifact": id}` references anywhere in the records. */
export function artifactRefs(records: readonly JsonObject[]): Map<string, number> {
  const refs = new Map<string, number>();
  const walk = (v: JsonValue, seq: number): void => {
    if (Array.isArray(v)) v.forEach((x) => walk(x, seq));
    else if (isJsonObject(v)) {
      const id = v['$artifact'];
      if (typeof id === 'string' && !refs.has(id)) refs.set(id, seq);
      for (const x of Object.values(v)) walk(x, seq);
    }
  };
  records.forEach((r, seq) => walk(r, seq));
  return refs;
}
