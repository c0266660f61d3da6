import { type SqliteDatabase } from './workspace-db';

/**
 * Migration 6: `record_traces`, the OpenTelemetry trace and span id of each ledger record that was
 * traced (src/runtime/telemetry). Beside the ledger, not in it: the ids are known only after the
 * commit, and a record's hash must not change with them. One row per record, written once.
 */
export function recordTracesTable(db: SqliteDatabase): void {
  db.exec(`
    CREATE TABLE record_traces (
      run_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      trace_id TEXT NOT NULL,
      span_id TEXT NOT NULL,
      PRIMARY KEY (run_id, seq)
    ) WITHOUT ROWID;
  `);
}
