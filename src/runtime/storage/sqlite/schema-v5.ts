import { type SqliteDatabase } from './workspace-db';

/**
 * Migration 5: `run_requests`, the queue through which a process that does not hold a run (the
 * Studio opened beside an app) asks the process that does to answer, resume or cancel it
 * (src/runtime/requests). A row is never deleted: it is the trace of who asked what and which
 * process carried it out. Pending rows have their own small index, so a holder looking for work
 * reads only them.
 */
export function runRequestsTable(db: SqliteDatabase): void {
  db.exec(`
    CREATE TABLE run_requests (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      run_id TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('resume', 'cancel')),
      body TEXT NOT NULL,
      actor_id TEXT,
      requested_by TEXT NOT NULL,
      requested_at TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'taken', 'done', 'failed', 'withdrawn')),
      handled_by TEXT,
      handled_at TEXT,
      run_status TEXT,
      error_code TEXT,
      error_message TEXT
    );
    CREATE INDEX run_requests_pending ON run_requests (run_id, id) WHERE status = 'pending';
  `);
}
