/**
 * Artifacts of a bundle: each entry well-formed, its content (when included) of the stated size
 * and sha256, and every artifact the records refer to present. An artifact whose id is its
 * content address (sha256[:32], as the runtime makes them) is bound to the signed ledger by the
 * records that name it; others only by the manifest's digest, which a seal signs.
 */
import { isJsonObject, type JsonObject } from '../../json/json-value';
import { fromBase64, isHash, sha256Hex } from '../encoding';
import { artifactRefs, type BundleManifest } from './bundle-format';
import { type BundleFinding, type ReadBundle } from './read-bundle';

export interface ArtifactVerdict {
  index: number;
  artifactId: string | null;
  sha256: string | null;
  status: 'ok' | 'hashes-only' | 'hash-mismatch' | 'malformed';
  /** How the content is tied to what was signed. */
  bound: 'content-address' | 'manifest-digest';
  referenced: boolean;
}

export function checkArtifacts(b: ReadBundle, m: BundleManifest | null): { verdicts: ArtifactVerdict[]; findings: BundleFinding[]; entries: JsonObject[] } {
  const verdicts: ArtifactVerdict[] = [];
  const findings: BundleFinding[] = [];
  const entries: JsonObject[] = [];
  const ids = new Set<string>();
  b.artifacts.forEach((a, index) => {
    const e = a.artifact;
    const id = isJsonObject(e) && typeof e['artifact_id'] === 'string' ? e['artifact_id'] : null;
    const at = { kind: 'artifact' as const, index, artifactId: id };
    if (!isJsonObject(e) || !id || !isHash(e['sha256']) || typeof e['size_bytes'] !== 'number') {
      findings.push({ code: 'artifact_malformed', severity: 'error', location: at, message: `artifact ${index} (line ${a.line}) is not a valid artifact entry` });
      verdicts.push({ index, artifactId: id, sha256: null, status: 'malformed', bound: 'manifest-digest', referenced: false });
      if (isJsonObject(e)) entries.push(e);
      return;
    }
    entries.push(e);
    ids.add(id);
    const sha = e['sha256'] as string;
    const verdict: ArtifactVerdict = { index, artifactId: id, sha256: sha, status: 'ok', bound: sha.slice(0, 32) === id ? 'content-address' : 'manifest-digest', referenced: e['referenced'] === true };
    verdicts.push(verdict);
    if (a.content === null || a.content === undefined) {
      verdict.status = 'hashes-only';
      const expected = m?.artifactContent === 'included';
      findings.push({ code: 'artifact_content_missing', severity: expected ? 'error' : 'warning', location: at, message: `artifact ${id}'s content is not in the bundle${expected ? ', though the manifest says artifacts are included' : ' (exported with hashes only): it cannot be checked'}` });
      return;
    }
    const content = fromBase64(a.content);
    if (!content || content.length !== e['size_bytes'] || sha256Hex(content) !== sha) {
      verdict.status = 'hash-mismatch';
      findings.push({ code: 'artifact_hash_mismatch', severity: 'error', location: at, message: `artifact ${id}'s content does not have the stated size and sha256: it was changed` });
    }
  });
  for (const [id, seq] of artifactRefs(b.records)) {
    if (!ids.has(id)) findings.push({ code: 'artifact_missing', severity: 'warning', location: { kind: 'record', seq }, message: `record ${seq} refers to artifact ${id}, which the bundle does not hold (it was missing from the store at export)` });
  }
  return { verdicts, findings, entries };
}
