/**
 * Audit of a Python 0.4 SQLite store: every run's ledger re-hashed from its `record_json` texts
 * (parsed losslessly), with the same checks and report as a data folder's JSONL files. A row
 * that does not parse is `unreadable_record` with its seq as the `line`.
 */
import { auditLedger, chainTotals, type DataFolderVerification, type LedgerFileReport, type LedgerRow } from '../files/verify-data-folder';
import { PythonSqliteStore, type UnreadableRow } from './python-sqlite-store';

function* rowsOf(store: PythonSqliteStore, runId: string): Generator<LedgerRow> {
  for (const row of store.ledgerRows(runId)) yield 'error' in row ? { line: row.seq, reason: row.error } : { line: row.seq, dict: row.record };
}

export async function verifyPythonSqliteRun(store: PythonSqliteStore, runId: string): Promise<LedgerFileReport> {
  return auditLedger(runId, store.path, rowsOf(store, runId));
}

/** Verifies every ledger of the store at `path` (or only `runIds`). */
export async function verifyPythonSqliteStore(path: string, runIds?: readonly string[]): Promise<DataFolderVerification> {
  const store = new PythonSqliteStore(path);
  try {
    const unreadable: UnreadableRow[] = [];
    const runs = store.listRuns(unreadable);
    const ledgerIds = store.ledgerRunIds();
    const reports: LedgerFileReport[] = [];
    for (const runId of runIds ?? ledgerIds) reports.push(await verifyPythonSqliteRun(store, runId));
    const withLedger = new Set(ledgerIds);
    const failures = reports.filter((r) => !r.ok).map((r) => ({ runId: r.runId, path: r.path, firstBadIndex: r.firstBadIndex, errors: r.errors }));
    const corruptFiles = unreadable.map((u) => `${path} (run ${u.runId}: ${u.reason})`);
    return {
      ok: failures.length === 0 && corruptFiles.length === 0,
      runs: reports.length,
      totals: chainTotals(reports),
      records: reports.reduce((n, r) => n + r.count, 0),
      reports,
      failures,
      corruptFiles,
      runsWithoutLedger: runIds ? [] : runs.map((r) => r.runId).filter((id) => !withLedger.has(id)),
    };
  } finally {
    store.close();
  }
}
