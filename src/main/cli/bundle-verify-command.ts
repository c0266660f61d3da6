/**
 * `studio verify <bundle> [--trusted keys.json] [--require-seal] [--allow-unsigned] [--allow-untrusted] [--json]`:
 * checks an audit bundle offline (docs/audit-bundle.md §7). Exit 0 when everything verifies and
 * trusted keys authenticate the signer (or nothing is signed and --allow-unsigned accepts that);
 * 1 when anything does not verify; 2 for bad usage or a file that is not a bundle at all; 3 when it
 * all verifies but no trusted key authenticates the signer: the signatures then prove only that
 * whoever holds the bundle's own keys signed it, which a forger can redo. --allow-untrusted
 * accepts that (exit 0).
 */
import { resolve } from 'node:path';
import { bundleSigner, formatBundleReport, readTrustedKeys, verifyBundle, type BundleReport, type BundleSigner } from '../../runtime/provenance/index';
import { EXIT_FAILED, EXIT_OK, EXIT_UNAUTHENTICATED, type CliIo } from './cli-io';

export interface BundleVerifyOptions {
  path: string;
  trusted: string | null;
  requireSeal: boolean;
  allowUnsigned: boolean;
  /** Intact and signed, but by keys nobody vouched for: accept it (exit 0 instead of 3). */
  allowUntrusted: boolean;
  json: boolean;
}

export async function bundleVerifyCommand(io: CliIo, options: BundleVerifyOptions): Promise<number> {
  const trustedKeys = options.trusted === null ? null : await readTrustedKeys(resolve(options.trusted));
  const report = await verifyBundle(resolve(options.path), { trustedKeys, requireSeal: options.requireSeal, allowUnsigned: options.allowUnsigned });
  const signer = bundleSigner(report);
  const code = exitCode(report, signer, options.allowUntrusted);
  io.out(options.json ? `${JSON.stringify(jsonReport(report, signer, code), null, 2)}\n` : formatBundleReport(report, verdictLine(report, signer, options.allowUntrusted)));
  return code;
}

function exitCode(r: BundleReport, signer: BundleSigner, allowUntrusted: boolean): number {
  if (!r.ok) return EXIT_FAILED;
  return signer === 'not-authenticated' && !allowUntrusted ? EXIT_UNAUTHENTICATED : EXIT_OK;
}

/** Says what was checked and, when it is not enough, what to pass. */
function verdictLine(r: BundleReport, signer: BundleSigner, allowUntrusted: boolean): string | undefined {
  if (!r.ok || signer !== 'not-authenticated') return undefined; // the runtime's words say it
  if (allowUntrusted) return 'INTEGRITY VERIFIED: integrity verified; signer not authenticated (accepted with --allow-untrusted)';
  return (
    'NOT AUTHENTICATED: integrity verified; signer not authenticated: pass --trusted keys.json (what "studio keys <workspace> --json" ' +
    "writes on the signer's workspace, obtained apart from this bundle) to check who signed, or --allow-untrusted to accept it unauthenticated"
  );
}

/** The verdict and every finding, without the bundle's contents (an auditor has the file). */
function jsonReport(r: BundleReport, signer: BundleSigner, code: number) {
  const p = r.provenance;
  return {
    /** What a CI gate reads: true exactly when the exit code is 0. */
    ok: code === EXIT_OK,
    /** The chain, signatures, checkpoints, keys, seal and artifacts verified (whoever signed). */
    integrity: r.ok,
    signer,
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
