/**
 * Writing one run of a workspace (SQLite or PostgreSQL) as an audit bundle (the Studio's Export button and
 * `studio export --bundle` share it): first a checkpoint of the run's current head, so the bundle
 * is signed up to its last record, then the file (docs/audit-bundle.md).
 */
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BUNDLE_FILE_SUFFIX, exportBundle, ProvenanceError, writeBundleFile, type ExportedBundle, type LedgerSigner, type SigningKey } from '../../../runtime/provenance/index';
import { type ArtifactStore, type LedgerStore } from '../../../runtime/index';
import { type ChainCheckpointStore, type KeyRecordStore } from '../../../runtime/provenance/index';

/** The stores a bundle is read from: a SQLite workspace's, or a PostgreSQL workspace's (the same format either way). */
export interface RunBundleSource {
  readonly ledger: LedgerStore;
  readonly chainCheckpoints: ChainCheckpointStore;
  readonly actorKeys: KeyRecordStore;
  readonly artifacts: ArtifactStore;
}

/** `<run id>.arbundle.jsonl`, with anything a file name should not hold replaced (run ids may be chosen by hand). */
export function bundleFileName(runId: string): string {
  return `${runId.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\./, '_')}${BUNDLE_FILE_SUFFIX}`;
}

/**
 * Checkpoints the run's head now; returns why it could not (its stored ledger does not verify:
 * the signer refuses to vouch for it, and the bundle will show the damage), or null.
 */
export async function checkpointRun(signer: LedgerSigner, runId: string): Promise<string | null> {
  try {
    await signer.checkpointNow(runId);
    return null;
  } catch (err) {
    if (err instanceof ProvenanceError && err.reason === 'LEDGER_DOES_NOT_VERIFY') return `Not signed now: ${err.message}`;
    throw err;
  }
}

export interface WriteRunBundleOptions {
  ws: RunBundleSource;
  runId: string;
  workflowId: string | null;
  includeArtifacts: boolean;
  /** The exporter's key: seals the manifest. Null: an unsealed bundle. */
  seal: SigningKey | null;
  path: string;
  /** Replace a file already at `path` (the Studio's exports folder) instead of refusing. */
  overwrite: boolean;
}

export async function writeRunBundle(o: WriteRunBundleOptions): Promise<ExportedBundle> {
  const keys = (await o.ws.actorKeys.list()).map((r) => r.key);
  const bundle = await exportBundle({
    runId: o.runId,
    workflowId: o.workflowId,
    ledger: o.ws.ledger,
    checkpoints: o.ws.chainCheckpoints,
    keys,
    artifacts: o.ws.artifacts,
    includeArtifacts: o.includeArtifacts,
    seal: o.seal,
  });
  await mkdir(dirname(o.path), { recursive: true });
  if (o.overwrite) await rm(o.path, { force: true });
  await writeBundleFile(o.path, bundle);
  return bundle;
}
