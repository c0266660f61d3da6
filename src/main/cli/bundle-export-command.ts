/**
 * `studio export <workspace.sqlite> <run-id> --bundle [--out file] [--no-artifacts]`: one run as
 * an audit bundle (docs/audit-bundle.md). The run's head is checkpointed first with a key the CLI
 * can unlock (see cli-signing-key.ts), and the manifest sealed with it; without one, the bundle
 * carries the checkpoints the workspace already has and says which records none covers. The file
 * is verified after writing: exit 1 when it does not verify (the ledger in the workspace was changed).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { RuntimeError } from '../../runtime/errors';
import { LedgerSigner, verifyBundle } from '../../runtime/provenance/index';
import { SqliteWorkspace } from '../../runtime/storage/sqlite/index';
import { bundleFileName, checkpointRun, writeRunBundle } from '../service/signing/run-bundle';
import { cliSigningKey } from './cli-signing-key';
import { CliUsageError, EXIT_FAILED, EXIT_OK, type CliIo } from './cli-io';
import { inputKind } from './open-input';

export interface BundleExportOptions {
  path: string;
  runId: string;
  out: string | null;
  includeArtifacts: boolean;
}

/** Read-write: a new checkpoint is written into the workspace (a schema-1 file is upgraded). */
function openForSigning(path: string): SqliteWorkspace {
  try {
    return SqliteWorkspace.open(path, { create: false });
  } catch (err) {
    if (err instanceof RuntimeError) throw new CliUsageError(err.message);
    throw err;
  }
}

export async function bundleExportCommand(io: CliIo, options: BundleExportOptions): Promise<number> {
  const path = resolve(options.path);
  if (inputKind(path) !== 'sqlite') throw new CliUsageError(`${path} is a folder: export --bundle reads a SQLite workspace.`);
  const out = resolve(options.out ?? bundleFileName(options.runId));
  if (existsSync(out)) throw new CliUsageError(`${out} already exists; choose another file with --out.`);
  const ws = openForSigning(path);
  let signed: boolean;
  let sha256: string;
  try {
    const run = await ws.runs.load(options.runId);
    if (!run && (await ws.ledger.ledgerCount(options.runId)) === 0) throw new CliUsageError(`There is no run ${options.runId} in ${path}. List the runs with: studio runs ${path}`);
    const { key, note } = await cliSigningKey(ws, process.env);
    io.err(`${note}\n`);
    if (key) {
      const signer = new LedgerSigner({ key, checkpoints: ws.chainCheckpoints, ledger: ws.ledger });
      const problem = await checkpointRun(signer, options.runId);
      await signer.close();
      if (problem) io.err(`${problem}\n`);
    }
    signed = key !== null;
    sha256 = (await writeRunBundle({ ws, runId: options.runId, workflowId: run?.workflowId ?? null, includeArtifacts: options.includeArtifacts, seal: key, path: out, overwrite: false })).sha256;
  } finally {
    ws.close();
  }
  const report = await verifyBundle(out, { allowUnsigned: !signed });
  io.out(`Exported run ${options.runId} to ${out}\nsha256 ${sha256}\n`);
  if (!report.ok) {
    io.err(`The bundle does not verify (${report.errors} error${report.errors === 1 ? '' : 's'}): the run's ledger in the workspace is not as it was written. See: studio verify ${out}\n`);
    return EXIT_FAILED;
  }
  io.out(signed ? `Verify it with: studio verify ${out} --trusted keys.json   (keys.json: studio keys ${path} --json)\n` : `Not signed beyond the workspace's existing checkpoints: verify it with studio verify ${out} --allow-unsigned\n`);
  return EXIT_OK;
}
