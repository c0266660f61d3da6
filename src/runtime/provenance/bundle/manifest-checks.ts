/** The manifest against the bundle's contents, and its seal (a signature over the manifest statement). */
import { type JsonObject } from '../../json/json-value';
import { pyJsonDumps } from '../../json/py-dumps';
import { sha256Hex, utf8, fromBase64 } from '../encoding';
import { ed25519Verify } from '../keys/ed25519';
import { buildKeyRing } from '../verify/key-ring';
import { artifactsDigest, keysDigest, type BundleManifest } from './bundle-format';
import { type BundleFinding, type ReadBundle } from './read-bundle';
import { type VerifyBundleOptions } from './verify-bundle';

export function checkManifest(m: BundleManifest, b: ReadBundle, entries: readonly JsonObject[], options: VerifyBundleOptions): BundleFinding[] {
  const out: BundleFinding[] = [];
  const mismatch = (field: string, message: string): void => {
    out.push({ code: 'manifest_mismatch', severity: 'error', location: { kind: 'manifest', field }, message: `the manifest says ${message}` });
  };
  const head = b.records.at(-1)?.['record_hash'];
  const actualHead = typeof head === 'string' ? head : null;
  const lastCp = b.checkpoints.at(-1);
  const actualLast = lastCp && typeof lastCp.statement === 'string' ? sha256Hex(lastCp.statement) : null;
  if (m.records !== b.records.length) mismatch('records', `${m.records} records, the bundle holds ${b.records.length}`);
  if (m.headHash !== actualHead) mismatch('head_hash', `the head is ${m.headHash ?? 'none'}, the last record's hash is ${actualHead ?? 'none'}`);
  if (m.checkpoints !== b.checkpoints.length) mismatch('checkpoints', `${m.checkpoints} checkpoints, the bundle holds ${b.checkpoints.length}`);
  if (m.lastCheckpoint !== actualLast) mismatch('last_checkpoint', 'another last checkpoint than the one the bundle holds');
  if (m.keys !== b.keys.length) mismatch('keys', `${m.keys} keys, the bundle holds ${b.keys.length}`);
  if (m.keysDigest !== keysDigest(b.keys)) mismatch('keys_digest', 'other key records (keys, actors, descriptions) than the bundle holds');
  if (m.artifacts !== b.artifacts.length) mismatch('artifacts', `${m.artifacts} artifacts, the bundle holds ${b.artifacts.length}`);
  if (m.artifactsDigest !== artifactsDigest(entries)) mismatch('artifacts_digest', 'other artifacts (ids, hashes, metadata) than the bundle holds');
  out.push(...checkSeal(m, b, options));
  b.records.forEach((r, seq) => {
    if (Object.keys(r).length > 0 && pyJsonDumps(r) !== b.recordLines[seq]) {
      out.push({ code: 'record_line_not_python', severity: 'warning', location: { kind: 'record', seq }, message: `record ${seq}'s line is not written as Python writes it (spacing, escapes or key order differ; the values, and so the hash, are what count)` });
    }
  });
  return out;
}

function checkSeal(m: BundleManifest, b: ReadBundle, options: VerifyBundleOptions): BundleFinding[] {
  const signature = b.manifest?.signature ?? null;
  const seal = (severity: 'error' | 'warning', code: BundleFinding['code'], message: string): BundleFinding[] => [{ code, severity, location: { kind: 'manifest', field: 'sealed_by' }, message }];
  if (signature === null) {
    if (m.sealedBy) return seal('error', 'seal_invalid', `the manifest names ${m.sealedBy.actorId} as its sealer, but carries no signature (removed?)`);
    return seal(options.requireSeal ? 'error' : 'warning', 'bundle_unsealed', 'the bundle is not sealed: its manifest can be edited, and records cut after the last checkpoint (with that checkpoint) would go unnoticed');
  }
  if (!m.sealedBy) return seal('error', 'seal_invalid', 'the manifest carries a signature but names no sealer');
  const ring = buildKeyRing(b.keys, options.trustedKeys ?? null);
  const key = ring.byId.get(m.sealedBy.keyId);
  if (!key || key.key.actorId !== m.sealedBy.actorId) return seal('error', 'seal_invalid', `the sealer's key ${m.sealedBy.keyId} (${m.sealedBy.actorId}) is not among the bundle's usable keys`);
  const sig = fromBase64(signature);
  if (!sig || !ed25519Verify(key.publicKey, utf8(b.manifest?.statement ?? ''), sig)) return seal('error', 'seal_invalid', `the seal does not match the manifest: the manifest or its signature was changed`);
  if (key.trusted === false) return seal('error', 'seal_invalid', `the bundle was sealed by ${m.sealedBy.actorId} with a key that is not among the trusted keys`);
  return [];
}
