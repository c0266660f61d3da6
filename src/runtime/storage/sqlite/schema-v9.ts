import { type SqliteDatabase } from './workspace-db';

/**
 * Migration 9: `record_writers`, who wrote a ledger record (`worker-id@host`), for records copied
 * from a PostgreSQL workspace (where every record names its writer in `ledger.written_by`). A
 * SQLite workspace's own records name none (it has one writer). Beside the ledger, like
 * `record_traces`, so the ledger's rows and their append-only triggers are untouched.
 */
export function recordWritersTable(db: SqliteDatabase): void {
  db.exec(`
    CREATE TABLE record_writers (
      run_id TEXT NOT NULL,
      seq INTEGER NOT NULL,
      written_by TEXT NOT NULL,
      PRIMARY KEY (run_id, seq)
    ) WITHOUT ROWID;
  `);
}
