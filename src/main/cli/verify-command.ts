/**
 * `studio verify <workspace.sqlite | python-folder> [--run id] [--json]`: re-hashes every ledger
 * chain. Exit 0 only when every chain verifies (and, for a data folder, every file reads);
 * 1 when anything fails; 2 for bad usage or input that cannot be opened.
 */
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { verifyDataFolder, verifyLedgerFile, type LedgerFileReport, type LedgerVerificationError } from '../../runtime/storage/files/index';
import { RuntimeError } from '../../runtime/errors';
import { type SqliteWorkspace } from '../../runtime/storage/sqlite/index';
import { explainChainError } from './chain-explain';
import { CliUsageError, EXIT_FAILED, EXIT_OK, type CliIo } from './cli-io';
import { inputKind, openFolderReadonly, openWorkspaceReadonly, type InputKind } from './open-input';
import { stderrProgress, type Progress } from './progress';

export interface RunVerification {
  runId: string;
  ok: boolean;
  count: number;
  headHash: string | null;
  firstBadIndex: number | null;
  errors: Array<LedgerVerificationError & { explanation: string }>;
}

export interface VerifyReport {
  ok: boolean;
  source: { kind: InputKind; path: string };
  runs: RunVerification[];
  records: number;
  /** Files of a data folder that cannot be read (always empty for a workspace). */
  corruptFiles: string[];
  /** What SQLite's quick_check found wrong with a workspace file (always empty for a data folder). */
  integrityProblems: string[];
  runsWithoutLedger: string[];
}

export interface VerifyOptions {
  path: string;
  runId: string | null;
  json: boolean;
}

export async function verifyCommand(io: CliIo, options: VerifyOptions): Promise<number> {
  const path = resolve(options.path);
  const kind = inputKind(path);
  const progress = stderrProgress(io);
  const report = kind === 'sqlite' ? await verifyWorkspace(path, options.runId, progress) : await verifyFolder(path, options.runId, io);
  progress.end();
  io.out(options.json ? `${JSON.stringify(report, null, 2)}\n` : humanReport(report));
  return report.ok ? EXIT_OK : EXIT_FAILED;
}

const withWords = (errors: readonly LedgerVerificationError[]): RunVerification['errors'] =>
  errors.map((e) => ({ ...e, explanation: explainChainError(e) }));

async function verifyWorkspace(path: string, runId: string | null, progress: Progress): Promise<VerifyReport> {
  const source = { kind: 'sqlite' as const, path };
  let ws: SqliteWorkspace;
  try {
    ws = openWorkspaceReadonly(path);
  } catch (err) {
    // Too damaged to open: that is a failed verification (exit 1), not a wrong path.
    if (err instanceof CliUsageError && err.cause instanceof RuntimeError && err.cause.code === 'WORKSPACE_CORRUPT') return finish(source, [], [], [], [err.cause.message]);
    throw err;
  }
  try {
    // Chains can verify over a damaged page they never read: the file itself is checked first.
    const integrity = await integrityProblems(ws);
    const ids = runId === null ? await ws.ledger.ledgerRunIds() : [await existingRun(ws, runId)];
    const runs: RunVerification[] = [];
    for (const [i, id] of ids.entries()) {
      const label = `[${i + 1}/${ids.length}] ${id}`;
      try {
        const chain = await ws.verifyRun(id, { onProgress: (done, total) => progress.update(label, done, total) });
        progress.item(`${label}: ${plural(chain.count, 'record')}, ${chain.ok ? 'verified' : 'BROKEN'}`);
        runs.push({ runId: id, ok: chain.ok, count: chain.count, headHash: chain.headHash, firstBadIndex: chain.firstBadIndex, errors: withWords(chain.errors) });
      } catch (err) {
        if (!(err instanceof RuntimeError) || err.code !== 'WORKSPACE_CORRUPT') throw err;
        integrity.push(`run ${id}: its ledger cannot be read (${err.message})`);
      }
    }
    return finish(source, runs, [], [], integrity);
  } finally {
    ws.close();
  }
}

async function integrityProblems(ws: SqliteWorkspace): Promise<string[]> {
  try {
    return (await ws.checkIntegrity()).problems;
  } catch (err) {
    if (err instanceof RuntimeError && err.code === 'WORKSPACE_CORRUPT') return [err.message];
    throw err;
  }
}

async function existingRun(ws: SqliteWorkspace, runId: string): Promise<string> {
  if ((await ws.ledger.ledgerCount(runId)) > 0 || (await ws.runs.load(runId))) return runId;
  throw new CliUsageError(`There is no run ${runId} in ${ws.path}. List the runs with: studio runs ${ws.path}`);
}

async function verifyFolder(path: string, runId: string | null, io: CliIo): Promise<VerifyReport> {
  const source = { kind: 'python-folder' as const, path };
  if (runId !== null) {
    const folder = await openFolderReadonly(path);
    const file = folder.ledgerFiles.pathFor(runId);
    if (!existsSync(file)) throw new CliUsageError(`There is no ledger file for run ${runId} in ${path} (looked for ${file}).`);
    return finish(source, [fromFileReport(await verifyLedgerFile(file, runId))], [], []);
  }
  await openFolderReadonly(path); // a clear usage error for a folder that cannot be opened
  io.err(`verifying the ledgers of ${path}\n`);
  const result = await verifyDataFolder(path);
  return finish(source, result.reports.map(fromFileReport), result.corruptFiles, result.runsWithoutLedger);
}

function fromFileReport(r: LedgerFileReport): RunVerification {
  return { runId: r.runId, ok: r.ok, count: r.count, headHash: r.headHash, firstBadIndex: r.firstBadIndex, errors: withWords(r.errors) };
}

function finish(source: VerifyReport['source'], runs: RunVerification[], corruptFiles: string[], runsWithoutLedger: string[], integrityProblems: string[] = []): VerifyReport {
  const ok = runs.every((r) => r.ok) && corruptFiles.length === 0 && integrityProblems.length === 0;
  return { ok, source, runs, records: runs.reduce((n, r) => n + r.count, 0), corruptFiles: [...new Set(corruptFiles)], integrityProblems, runsWithoutLedger };
}

/** One line per run; a broken run also gets its first bad record and why, in words. */
export function humanReport(report: VerifyReport): string {
  const what = report.source.kind === 'sqlite' ? 'SQLite workspace' : 'Python data folder';
  const lines = [`${what} ${report.source.path}`];
  for (const r of report.runs) {
    const head = r.headHash ? `  head ${r.headHash.slice(0, 12)}…` : '';
    lines.push(`  ${r.ok ? 'verified' : 'BROKEN  '}  run ${r.runId}  ${plural(r.count, 'record')}${r.ok ? head : ''}`);
    const first = r.errors[0];
    if (!r.ok && first) {
      lines.push(`            first bad record: index ${first.index}: ${first.explanation}`);
      if (r.errors.length > 1) lines.push(`            (and ${plural(r.errors.length - 1, 'more problem')} after it)`);
    }
  }
  for (const f of report.corruptFiles) lines.push(`  UNREADABLE  ${f}`);
  for (const p of report.integrityProblems) lines.push(`  DAMAGED  ${p}`);
  for (const id of report.runsWithoutLedger) lines.push(`  note: run ${id} has a run file but no ledger file`);
  const broken = report.runs.filter((r) => !r.ok).length;
  if (report.integrityProblems.length > 0) lines.push('The workspace file is damaged (SQLite quick_check failed): restore it from a backup, or export what still reads.');
  else if (report.runs.length === 0 && report.corruptFiles.length === 0) lines.push('No ledgers to verify.');
  else if (report.ok) lines.push(`${report.runs.length === 1 ? 'The chain' : `All ${report.runs.length} chains`} verified (${plural(report.records, 'record')}).`);
  else {
    const parts = [`${broken} of ${report.runs.length} chains broken`];
    if (report.corruptFiles.length > 0) parts.push(plural(report.corruptFiles.length, 'unreadable file'));
    lines.push(`${parts.join(', ')}.`);
  }
  return `${lines.join('\n')}\n`;
}

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
