/**
 * `studio export <workspace.sqlite> <run-id> [--out folder]`: writes one run as a data folder in
 * the Python reference's layout (`run_<id>.json`, `ledger_<id>.jsonl`, `artifacts/<id>.bin|.meta`),
 * byte for byte what Python writes, so the Python tool verifies it as well as `studio verify`.
 * The folder is verified after writing; a folder that does not verify is reported (exit 1).
 */
import { mkdir, open, readdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  artifactMetaText,
  FileArtifactStore,
  JsonFileRunStore,
  JsonlLedgerStore,
  ledgerLineText,
  verifyDataFolder,
  writeFileAtomic,
} from '../../runtime/storage/files/index';
import { type SqliteWorkspace } from '../../runtime/storage/sqlite/index';
import { CliUsageError, EXIT_FAILED, EXIT_OK, type CliIo } from './cli-io';
import { inputKind, openWorkspaceReadonly } from './open-input';
import { stderrProgress, type Progress } from './progress';

export interface ExportOptions {
  path: string;
  runId: string;
  out: string | null;
}

const PAGE = 5000;

export async function exportCommand(io: CliIo, options: ExportOptions): Promise<number> {
  const path = resolve(options.path);
  if (inputKind(path) !== 'sqlite') throw new CliUsageError(`${path} is a folder: export reads a SQLite workspace (a Python data folder is already in the exported layout).`);
  const out = resolve(options.out ?? `run-${options.runId}`);
  await assertEmptyTarget(out);
  const ws = openWorkspaceReadonly(path);
  const progress = stderrProgress(io);
  let summary: { records: number; artifacts: number };
  try {
    summary = await exportRun(ws, options.runId, out, progress);
  } finally {
    progress.end();
    ws.close();
  }
  const check = await verifyDataFolder(out);
  if (!check.ok) {
    io.err(`The exported folder ${out} does not verify; this is a bug in the export. Please report it with the workspace.\n`);
    return EXIT_FAILED;
  }
  io.out(`Exported run ${options.runId} (${summary.records} records, ${summary.artifacts} artifacts) to ${out}\nVerify it with: studio verify ${out}\n`);
  return EXIT_OK;
}

async function assertEmptyTarget(out: string): Promise<void> {
  try {
    if ((await readdir(out)).length > 0) throw new CliUsageError(`${out} already exists and is not empty; choose another folder with --out.`);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new CliUsageError(`${out} is a file; --out names the folder to create.`);
    if (code !== 'ENOENT') throw err;
  }
}

async function exportRun(ws: SqliteWorkspace, runId: string, out: string, progress: Progress): Promise<{ records: number; artifacts: number }> {
  const run = await ws.runs.load(runId);
  if (!run) throw new CliUsageError(`There is no run ${runId} in ${ws.path}. List the runs with: studio runs ${ws.path}`);
  await mkdir(out, { recursive: true });
  const records = await writeLedger(ws, runId, new JsonlLedgerStore(out).pathFor(runId), progress);
  await new JsonFileRunStore(out).save(run);
  const artifacts = await writeArtifacts(ws, runId, out);
  return { records, artifacts };
}

/** The records as stored (their hashes unchanged), page by page so memory stays bounded. */
async function writeLedger(ws: SqliteWorkspace, runId: string, file: string, progress: Progress): Promise<number> {
  const total = await ws.ledger.ledgerCount(runId);
  const handle = await open(file, 'wx');
  let done = 0;
  try {
    let fromSeq = 0;
    for (;;) {
      const page = await ws.ledger.readLedgerPage(runId, { fromSeq, limit: PAGE });
      if (page.length === 0) break;
      await handle.write(page.map((e) => ledgerLineText(e.record)).join(''));
      done += page.length;
      fromSeq = (page[page.length - 1]?.seq ?? fromSeq) + 1;
      progress.update(`exporting ${runId}`, done, total);
    }
    await handle.datasync();
  } finally {
    await handle.close();
  }
  return done;
}

/** Bytes and metadata copied as stored (created_at kept), in the reference's file format. */
async function writeArtifacts(ws: SqliteWorkspace, runId: string, out: string): Promise<number> {
  const metas = await ws.artifacts.listByRun(runId);
  if (metas.length === 0) return 0;
  const files = new FileArtifactStore(out);
  await mkdir(files.dir, { recursive: true });
  for (const meta of metas) {
    const artifact = await ws.artifacts.load(meta.artifactId);
    if (!artifact) continue; // deleted while we listed: nothing to copy
    const paths = files.pathsFor(meta.artifactId);
    await writeFileAtomic(paths.bin, artifact.content);
    await writeFileAtomic(paths.meta, artifactMetaText(artifact.metadata));
  }
  return metas.length;
}
