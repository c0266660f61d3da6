/**
 * `studio verify <workspace.sqlite | python-folder | python-0.4.sqlite> [--run id] [--require-chain] [--json]`:
 * re-hashes every ledger chain. Each run is verified, broken or unchained (no record carries a
 * hash: Python 0.4 writes such ledgers by default; no tamper evidence, but nothing wrong).
 * Exit 0 when nothing is broken (and, for a data folder, every file reads); 1 when a chain is
 * broken, a file damaged, or (with --require-chain) a run unchained; 2 for bad usage, input that
 * cannot be opened, or a path where no ledger was found (a wrong path must not pass a CI gate).
 * Signatures are not checked here (that is `studio verify <bundle> --trusted`), and the report says so.
 */
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { type ChainState } from '../../runtime/ledger/chain-verifier';
import { chainTotals, verifyDataFolder, verifyLedgerFile, type LedgerFileReport, type LedgerVerificationError } from '../../runtime/storage/files/index';
import { verifyPythonSqliteStore } from '../../runtime/storage/python-sqlite/index';
import { RuntimeError } from '../../runtime/errors';
import { type SqliteWorkspace } from '../../runtime/storage/sqlite/index';
import { chainErrorAdvice } from '../../shared/chain-errors';
import { explainChainError } from './chain-explain';
import { CliUsageError, EXIT_FAILED, EXIT_OK, type CliIo } from './cli-io';
import { INPUT_LABEL, inputKind, openFolderReadonly, openPythonSqliteReadonly, openWorkspaceReadonly, type InputKind } from './open-input';
import { stderrProgress, type Progress } from './progress';

export interface RunVerification {
  runId: string;
  /** False only when the chain is broken (an unchained run is ok unless --require-chain). */
  ok: boolean;
  chain: ChainState;
  count: number;
  headHash: string | null;
  firstBadIndex: number | null;
  /** Each error with the shared table's words (src/shared/chain-errors.ts). */
  errors: Array<LedgerVerificationError & { explanation: string; advice: string }>;
}

export interface VerifyReport {
  ok: boolean;
  source: { kind: InputKind; path: string };
  runs: RunVerification[];
  /** Runs per chain state. */
  totals: Record<ChainState, number>;
  /** --require-chain: unchained runs fail the verification. */
  requireChain: boolean;
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
  requireChain?: boolean;
}

export async function verifyCommand(io: CliIo, options: VerifyOptions): Promise<number> {
  const path = resolve(options.path);
  const kind = inputKind(path);
  const progress = stderrProgress(io);
  const found = await verifySource(kind, path, options.runId, io, progress);
  progress.end();
  if (found.runs.length === 0 && found.corruptFiles.length === 0 && found.integrityProblems.length === 0) {
    throw new CliUsageError(`nothing to verify was found in ${path}: no ledger of a workspace, a Python data folder or a Python SQLite store. Check the path.`);
  }
  const report = finish(found, options.requireChain ?? false);
  io.out(options.json ? `${JSON.stringify(report, null, 2)}\n` : humanReport(report));
  return report.ok ? EXIT_OK : EXIT_FAILED;
}

/** What was checked, before the verdict. */
type Found = Pick<VerifyReport, 'source' | 'runs' | 'corruptFiles' | 'integrityProblems' | 'runsWithoutLedger'>;

function verifySource(kind: InputKind, path: string, runId: string | null, io: CliIo, progress: Progress): Promise<Found> {
  if (kind === 'sqlite') return verifyWorkspace(path, runId, progress);
  if (kind === 'python-sqlite') return verifyPythonSqlite(path, runId);
  return verifyFolder(path, runId, io);
}

const withWords = (errors: readonly LedgerVerificationError[]): RunVerification['errors'] =>
  errors.map((e) => ({ ...e, explanation: explainChainError(e), advice: chainErrorAdvice(e) }));

async function verifyWorkspace(path: string, runId: string | null, progress: Progress): Promise<Found> {
  const source = { kind: 'sqlite' as const, path };
  let ws: SqliteWorkspace;
  try {
    ws = openWorkspaceReadonly(path);
  } catch (err) {
    // Too damaged to open: that is a failed verification (exit 1), not a wrong path.
    if (err instanceof CliUsageError && err.cause instanceof RuntimeError && err.cause.code === 'WORKSPACE_CORRUPT') {
      return { source, runs: [], corruptFiles: [], integrityProblems: [err.cause.message], runsWithoutLedger: [] };
    }
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
        progress.item(`${label}: ${plural(chain.count, 'record')}, ${STATE_WORD[chain.chain].trim()}`);
        runs.push({ runId: id, ok: chain.ok, chain: chain.chain, count: chain.count, headHash: chain.headHash, firstBadIndex: chain.firstBadIndex, errors: withWords(chain.errors) });
      } catch (err) {
        if (!(err instanceof RuntimeError) || err.code !== 'WORKSPACE_CORRUPT') throw err;
        integrity.push(`run ${id}: its ledger cannot be read (${err.message})`);
      }
    }
    return { source, runs, corruptFiles: [], integrityProblems: integrity, runsWithoutLedger: [] };
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

async function verifyFolder(path: string, runId: string | null, io: CliIo): Promise<Found> {
  const source = { kind: 'python-folder' as const, path };
  if (runId !== null) {
    const folder = await openFolderReadonly(path);
    const file = folder.ledgerFiles.pathFor(runId);
    if (!existsSync(file)) throw new CliUsageError(`There is no ledger file for run ${runId} in ${path} (looked for ${file}).`);
    return { source, runs: [fromFileReport(await verifyLedgerFile(file, runId))], corruptFiles: [], integrityProblems: [], runsWithoutLedger: [] };
  }
  await openFolderReadonly(path); // a clear usage error for a folder that cannot be opened
  io.err(`verifying the ledgers of ${path}\n`);
  const result = await verifyDataFolder(path);
  return { source, runs: result.reports.map(fromFileReport), corruptFiles: result.corruptFiles, integrityProblems: [], runsWithoutLedger: result.runsWithoutLedger };
}

async function verifyPythonSqlite(path: string, runId: string | null): Promise<Found> {
  if (runId !== null) {
    const store = openPythonSqliteReadonly(path);
    const known = store.ledgerCount(runId) > 0 || store.loadRun(runId) !== null;
    store.close();
    if (!known) throw new CliUsageError(`There is no run ${runId} in ${path}. List the runs with: studio runs ${path}`);
  }
  openPythonSqliteReadonly(path).close(); // a clear usage error for a store that cannot be opened
  const result = await verifyPythonSqliteStore(path, runId === null ? undefined : [runId]);
  return { source: { kind: 'python-sqlite', path }, runs: result.reports.map(fromFileReport), corruptFiles: result.corruptFiles, integrityProblems: [], runsWithoutLedger: result.runsWithoutLedger };
}

function fromFileReport(r: LedgerFileReport): RunVerification {
  return { runId: r.runId, ok: r.ok, chain: r.chain, count: r.count, headHash: r.headHash, firstBadIndex: r.firstBadIndex, errors: withWords(r.errors) };
}

function finish(found: Found, requireChain: boolean): VerifyReport {
  const { runs, corruptFiles } = found;
  const totals = chainTotals(runs);
  const ok = totals.broken === 0 && corruptFiles.length === 0 && found.integrityProblems.length === 0 && (!requireChain || totals.unchained === 0);
  return { ok, ...found, totals, requireChain, records: runs.reduce((n, r) => n + r.count, 0), corruptFiles: [...new Set(corruptFiles)] };
}

/** The word of each state in the report, padded to one width. */
const STATE_WORD: Readonly<Record<ChainState, string>> = { verified: 'verified   ', broken: 'BROKEN     ', unchained: 'not chained' };

/** One line per run; a broken run also gets its first bad record and why, in words. */
export function humanReport(report: VerifyReport): string {
  const lines = [`${INPUT_LABEL[report.source.kind]} ${report.source.path}`];
  for (const r of report.runs) {
    const head = r.headHash && r.chain === 'verified' ? `  head ${r.headHash.slice(0, 12)}…` : '';
    const first = r.errors[0];
    // A torn tail is damage, but not tampering with what was written before it: named as what it is.
    const word = first?.type === 'unreadable_record' && first.torn ? 'TORN TAIL  ' : STATE_WORD[r.chain];
    lines.push(`  ${word}  run ${r.runId}  ${plural(r.count, 'record')}${head}`);
    if (!r.ok && first) {
      lines.push(`               first bad record: index ${first.index}: ${first.explanation}`);
      if (r.errors.length > 1) lines.push(`               (and ${plural(r.errors.length - 1, 'more problem')} after it)`);
      lines.push(`               what to do: ${first.advice}`);
    }
  }
  for (const f of report.corruptFiles) lines.push(`  UNREADABLE   ${f}`);
  for (const p of report.integrityProblems) lines.push(`  DAMAGED      ${p}`);
  for (const id of report.runsWithoutLedger) lines.push(`  note: run ${id} has a run file but no ledger file`);
  lines.push(verdictLine(report), SCOPE[report.source.kind]);
  if (report.requireChain && report.totals.unchained > 0) {
    lines.push(`${plural(report.totals.unchained, 'run')} ${report.totals.unchained === 1 ? 'is' : 'are'} not chained and --require-chain was given.`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * What this command proves, and what it does not: a hash chain shows a record was not changed
 * after it was written, but anyone who can write the file can rebuild the chain. Who wrote it is
 * proven only by signatures checked against trusted keys, which only an audit bundle carries out.
 */
const SCOPE: Readonly<Record<InputKind, string>> = {
  sqlite: 'Checked: the hash chains (integrity). Not checked: signatures or who wrote the records: export a bundle (studio export <workspace> <run> --bundle) and verify it with --trusted.',
  'python-folder': 'Checked: the hash chains (integrity). Not checked: who wrote the records (Python ledgers carry no signatures).',
  'python-sqlite': 'Checked: the hash chains (integrity). Not checked: who wrote the records (Python ledgers carry no signatures).',
};

function verdictLine(report: VerifyReport): string {
  if (report.integrityProblems.length > 0) return 'The workspace file is damaged (SQLite quick_check failed): restore it from a backup, or export what still reads.';
  const { verified, broken, unchained } = report.totals;
  const damaged = report.corruptFiles.length > 0 ? `, ${plural(report.corruptFiles.length, 'unreadable file')}` : '';
  if (unchained > 0) return `${plural(verified, 'chain')} verified, ${unchained} not chained (no hashes: nothing to check), ${broken} broken${damaged}.`;
  if (broken === 0 && damaged === '') return `${report.runs.length === 1 ? 'The chain' : `All ${report.runs.length} chains`} verified (${plural(report.records, 'record')}).`;
  return `${broken} of ${report.runs.length} chains broken${damaged}.`;
}

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
