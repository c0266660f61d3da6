/**
 * `studio verify <bundle> [--trusted keys.json] [--require-seal] [--allow-unsigned] [--json]`:
 * checks an audit bundle offline (docs/audit-bundle.md §7). Exit 0 only when the report is ok;
 * 1 when anything does not verify; 2 for bad usage or a file that is not a bundle at all.
 */
import { resolve } from 'node:path';
import { formatBundleReport, readTrustedKeys, verifyBundle, type BundleReport } from '../../runtime/provenance/index';
import { EXIT_FAILED, EXIT_OK, type CliIo } from './cli-io';

export interface BundleVerifyOptions {
  path: string;
  trusted: string | null;
  requireSeal: boolean;
  allowUnsigned: boolean;
  json: boolean;
}

export async function bundleVerifyCommand(io: CliIo, options: BundleVerifyOptions): Promise<number> {
  const trustedKeys = options.trusted === null ? null : await readTrustedKeys(resolve(options.trusted));
  const report = await verifyBundle(resolve(options.path), { trustedKeys, requireSeal: options.requireSeal, allowUnsigned: options.allowUnsigned });
  io.out(options.json ? `${JSON.stringify(jsonReport(report), null, 2)}\n` : formatBundleReport(report));
  return report.ok ? EXIT_OK : EXIT_FAILED;
}

/** The verdict and every finding, without the bundle's contents (an auditor has the file). */
function jsonReport(r: BundleReport) {
  const p = r.provenance;
  return {
    ok: r.ok,
    errors: r.errors,
    manifest: r.manifest,
    sealed: r.sealed,
    records: p.records,
    headHash: p.headHash,
    signedThrough: p.signedThrough,
    unsigned: p.unsigned,
    trust: p.trust,
    firstBadSeq: p.firstBadSeq,
    findings: [...p.findings, ...r.findings],
    signers: p.signers,
    actors: p.actors,
    checkpoints: p.checkpoints,
    artifacts: r.artifacts,
  };
}
