/**
 * Audit of a Python data folder: every ledger chain re-hashed from the raw dicts parsed
 * losslessly from its JSONL file (so floats like 1.0, big integers, unicode and keys of newer
 * Python versions verify), plus every file that cannot be read.
 *
 * Beyond the reference's `verify_ledger_chain`, per ledger file:
 * - an unreadable line (a write cut short, a flipped byte) is reported as `unreadable_record` on its
 *   index and line; the chain walk stops there, as it stops at a missing hash;
 * - a record whose `run_id` is not the file's run is `run_id_mismatch` (a ledger copied over
 *   another run's would otherwise verify);
 * - given anchors (a head hash and count recorded earlier, e.g. a manifest or a previous audit), a
 *   ledger that lost records at the end, or was rewritten, is `anchor_mismatch`: the chain alone
 *   cannot see a truncation.
 * Streams each file, so memory stays bounded for any ledger size.
 */
import { ChainVerifier, type ChainError, type ChainState } from '../../ledger/chain-verifier';
import { type JsonObject } from '../../json/json-value';
import { CorruptLedgerLineError } from './file-store-errors';
import { readJsonlLines } from './jsonl-lines';
import { parseLedgerLineRecords } from './jsonl-ledger-store';
import { openPythonDataFolder } from './python-data-folder';

export type LedgerVerificationError =
  | ChainError
  /** `torn`: the last line, which the file ends inside of (a write cut short), not a changed byte. */
  | { index: number; type: 'unreadable_record'; line: number; reason: string; torn?: boolean; beforeChain?: ChainState }
  | { index: number; type: 'run_id_mismatch'; expectedRunId: string; actualRunId: string | null }
  | { index: number; type: 'anchor_mismatch'; expectedCount: number; actualCount: number; expectedHeadHash: string | null; actualHash: string | null };

/** A head recorded earlier: the ledger had `count` records and the last one's hash was `headHash`. */
export interface LedgerAnchor {
  count: number;
  headHash: string | null;
}

/** A ChainReport for one ledger file, with the file-level errors above. */
export interface LedgerFileReport {
  runId: string;
  path: string;
  ok: boolean;
  /** `unchained`: no record carries a hash (nothing broken, but no tamper evidence either). */
  chain: ChainState;
  /** Non-blank lines in the file, readable or not. */
  count: number;
  errors: LedgerVerificationError[];
  /** Index of the first wrong record (for a truncation: of the first missing one). */
  firstBadIndex: number | null;
  /** `record_hash` of the last line, or null if it is missing or unreadable. */
  headHash: string | null;
  /** The last stored hash the chain walk accepted. */
  computedHeadHash: string | null;
}

export interface DataFolderVerification {
  ok: boolean;
  /** Ledgers (runs with a ledger file) verified. */
  runs: number;
  /** Ledgers per chain state. */
  totals: Record<ChainState, number>;
  /** Records verified across all ledgers. */
  records: number;
  /** One report per ledger file, by run id. */
  reports: LedgerFileReport[];
  failures: { runId: string; path: string; firstBadIndex: number | null; errors: LedgerVerificationError[] }[];
  /** Files that could not be read: run files, artifact `.meta`, snapshots and ledgers with unreadable lines. */
  corruptFiles: string[];
  /** Runs with a run file but no ledger file (none in a folder written by the reference runtime). */
  runsWithoutLedger: string[];
}

export interface VerifyDataFolderOptions {
  /** Expected heads per run id; a ledger that does not reach or match its anchor fails. */
  anchors?: Readonly<Record<string, LedgerAnchor>>;
}

export async function verifyDataFolder(dir: string, options: VerifyDataFolderOptions = {}): Promise<DataFolderVerification> {
  const folder = await openPythonDataFolder(dir, { readOnly: true });
  const runs = await folder.runStore.listAll();
  await folder.artifactStore.listAll({ limit: Number.MAX_SAFE_INTEGER });
  await folder.snapshotStore.list({ limit: Number.MAX_SAFE_INTEGER });
  const corruptFiles = folder.corruptFiles();
  const ledgerIds = await folder.ledgerFiles.runIds();
  const reports: LedgerFileReport[] = [];
  for (const runId of ledgerIds) {
    const path = folder.ledgerFiles.pathFor(runId);
    const report = await verifyLedgerFile(path, runId, options.anchors?.[runId]);
    reports.push(report);
    if (report.errors.some((e) => e.type === 'unreadable_record')) corruptFiles.push(path);
  }
  const withLedger = new Set(ledgerIds);
  const failures = reports
    .filter((r) => !r.ok)
    .map((r) => ({ runId: r.runId, path: r.path, firstBadIndex: r.firstBadIndex, errors: r.errors }));
  return {
    ok: failures.length === 0 && corruptFiles.length === 0,
    runs: reports.length,
    totals: chainTotals(reports),
    records: reports.reduce((n, r) => n + r.count, 0),
    reports,
    failures,
    corruptFiles,
    runsWithoutLedger: runs.map((r) => r.runId).filter((id) => !withLedger.has(id)),
  };
}

/** How many ledgers are in each chain state. */
export function chainTotals(reports: readonly { chain: ChainState }[]): Record<ChainState, number> {
  const totals: Record<ChainState, number> = { verified: 0, broken: 0, unchained: 0 };
  for (const r of reports) totals[r.chain]++;
  return totals;
}

const storedHash = (d: JsonObject): string | null => (typeof d['record_hash'] === 'string' && d['record_hash'] ? d['record_hash'] : null);

/** Verifies one JSONL ledger file of run `runId`, streaming it. */
export async function verifyLedgerFile(path: string, runId: string, anchor?: LedgerAnchor): Promise<LedgerFileReport> {
  return auditLedger(runId, path, fileRows(path), anchor);
}

async function* fileRows(path: string): AsyncGenerator<LedgerRow> {
  for await (const line of readJsonlLines(path)) {
    let dicts;
    try {
      dicts = parseLedgerLineRecords(line, path);
    } catch (err) {
      if (!(err instanceof CorruptLedgerLineError)) throw err;
      yield { line: line.line, reason: err.reason, ...(line.terminated ? {} : { torn: true }) };
      continue;
    }
    for (const dict of dicts) yield { line: line.line, dict };
  }
}

/** One stored record of a ledger, parsed, or why it cannot be; `line` locates it in its source. */
export type LedgerRow = { line: number; dict: JsonObject } | { line: number; reason: string; torn?: boolean };

/**
 * The audit of one ledger from its rows in order (a JSONL file's lines, a SQLite store's rows):
 * the chain, unreadable rows, records of another run, and the anchor.
 */
export async function auditLedger(runId: string, path: string, rows: AsyncIterable<LedgerRow> | Iterable<LedgerRow>, anchor?: LedgerAnchor): Promise<LedgerFileReport> {
  const verifier = new ChainVerifier();
  const extra: LedgerVerificationError[] = [];
  let count = 0;
  let stopped = false;
  let head: string | null = null;
  let hashAtAnchor: string | null = null;
  for await (const row of rows) {
    const index = count++;
    if (!('dict' in row)) {
      if (!stopped) extra.push({ index, type: 'unreadable_record', line: row.line, reason: row.reason, ...(row.torn ? { torn: true } : {}) });
      stopped = true; // the chain cannot be followed past a record we cannot read
      head = null;
      continue;
    }
    const dict = row.dict;
    head = storedHash(dict);
    if (anchor && index === anchor.count - 1) hashAtAnchor = head;
    if (stopped) continue;
    const actualRunId = typeof dict['run_id'] === 'string' ? dict['run_id'] : null;
    if (actualRunId !== runId) extra.push({ index, type: 'run_id_mismatch', expectedRunId: runId, actualRunId });
    verifier.push(dict);
  }
  if (anchor) {
    const anchorError = checkAnchor(anchor, count, hashAtAnchor);
    if (anchorError) extra.push(anchorError);
  }
  const chain = verifier.report(head);
  // The walk stopped at a torn tail: what it found of the complete records before it.
  for (const e of extra) if (e.type === 'unreadable_record' && e.torn) e.beforeChain = chain.chain;
  const errors = [...chain.errors, ...extra].sort((a, b) => a.index - b.index);
  return {
    runId,
    path,
    ok: errors.length === 0,
    chain: errors.length > 0 ? 'broken' : chain.chain,
    count,
    errors,
    firstBadIndex: errors[0]?.index ?? null,
    headHash: head,
    computedHeadHash: chain.computedHeadHash,
  };
}

function checkAnchor(anchor: LedgerAnchor, count: number, hashAtAnchor: string | null): LedgerVerificationError | null {
  const base = { type: 'anchor_mismatch' as const, expectedCount: anchor.count, actualCount: count, expectedHeadHash: anchor.headHash };
  if (count < anchor.count) return { ...base, index: count, actualHash: null }; // records lost at the end
  if (anchor.count > 0 && hashAtAnchor !== anchor.headHash) return { ...base, index: anchor.count - 1, actualHash: hashAtAnchor };
  return null;
}
