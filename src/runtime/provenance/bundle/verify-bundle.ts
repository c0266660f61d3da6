/**
 * `verifyBundle`: an audit bundle checked offline. `ok` only when the file reads, the manifest
 * matches the contents, the seal (if any) holds, every included artifact has its hash, and the
 * provenance verification (chain, signatures, checkpoints, keys) is ok.
 */
import { readFile } from 'node:fs/promises';
import { type ActorKey } from '../keys/actor-key';
import { ProvenanceError } from '../provenance-errors';
import { verifyProvenance, type ProvenanceReport } from '../verify/verify-provenance';
import { checkArtifacts, type ArtifactVerdict } from './artifact-checks';
import { parseManifest, type BundleManifest } from './bundle-format';
import { checkManifest } from './manifest-checks';
import { readBundleText, type BundleFinding, type ReadBundle } from './read-bundle';

export interface VerifyBundleOptions {
  /** The keys the auditor trusts (obtained independently of the bundle). */
  trustedKeys?: readonly ActorKey[] | null;
  /** Records no signature covers are a warning, not an error. */
  allowUnsigned?: boolean;
  /** An unsealed bundle is an error, not a warning. */
  requireSeal?: boolean;
}

export interface BundleReport {
  ok: boolean;
  manifest: BundleManifest | null;
  sealed: boolean;
  /** The chain, signatures, checkpoints and keys. */
  provenance: ProvenanceReport;
  artifacts: ArtifactVerdict[];
  /** Findings about the file itself: format, manifest, seal, artifacts. */
  findings: BundleFinding[];
  /** Errors in total (file and provenance). */
  errors: number;
  /** The bundle's contents, for a read-only view (the Studio opens a bundle with the same badges). */
  contents: ReadBundle;
}

/** Verifies a bundle given as bytes, or by its file path. */
export async function verifyBundle(input: Uint8Array | string, options: VerifyBundleOptions = {}): Promise<BundleReport> {
  const bytes = typeof input === 'string' ? await readFile(input) : input;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new ProvenanceError('BUNDLE_UNREADABLE', `${typeof input === 'string' ? input : 'The bundle'} is not UTF-8 text: not an audit bundle, or damaged.`);
  }
  return verifyBundleText(text, options);
}

export function verifyBundleText(text: string, options: VerifyBundleOptions = {}): BundleReport {
  const contents = readBundleText(text);
  const findings = [...contents.findings];
  const parsed = contents.manifest ? parseManifest(contents.manifest.statement) : null;
  if (parsed && !parsed.ok) findings.push({ code: 'bundle_malformed', severity: 'error', location: { kind: 'manifest', field: null }, message: `the manifest cannot be read: ${parsed.reason}` });
  const manifest = parsed?.ok ? parsed.manifest : null;
  const provenance = verifyProvenance({
    records: contents.records,
    checkpoints: contents.checkpoints,
    keys: contents.keys,
    trustedKeys: options.trustedKeys ?? null,
    runId: manifest?.runId ?? null,
    allowUnsigned: options.allowUnsigned === true,
  });
  const artifacts = checkArtifacts(contents, manifest);
  findings.push(...artifacts.findings);
  if (manifest && contents.manifest) findings.push(...checkManifest(manifest, contents, artifacts.entries, options));
  const errors = findings.filter((f) => f.severity === 'error').length + provenance.errors;
  return { ok: errors === 0, manifest, sealed: Boolean(contents.manifest?.signature), provenance, artifacts: artifacts.verdicts, findings, errors, contents };
}
