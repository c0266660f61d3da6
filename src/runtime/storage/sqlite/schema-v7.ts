import { type SqliteDatabase } from './workspace-db';

/**
 * Migration 7: archiving and deleting runs, neither of them a silent loss.
 *
 * - Archive: two columns on `runs` (who, when). An archived run keeps all its data and is only
 *   left out of the default runs list; a partial index keeps the archived ones findable.
 * - Delete: a `run_tombstones` row is written first (who, when, the run id and key, its workflow,
 *   final status and node, how many records it had and the hash of the last one: the chain head
 *   it ended on), then the run's records, saved states, snapshots, artifacts and runs row go.
 *   The ledger and run_states stay append-only for every other run: their delete triggers are
 *   rewritten to allow a delete only of a run that has a tombstone, so no code path can drop a
 *   record without leaving that trace. The update triggers are untouched.
 */
export function runArchiveAndTombstones(db: SqliteDatabase): void {
  db.exec(`
    ALTER TABLE runs ADD COLUMN archived_at TEXT;
    ALTER TABLE runs ADD COLUMN archived_by TEXT;
    CREATE INDEX runs_archived ON runs (archived_at DESC) WHERE archived_at IS NOT NULL;

    CREATE TABLE run_tombstones (
      run_id         TEXT PRIMARY KEY,
      run_key        INTEGER NOT NULL UNIQUE,
      workflow_id    TEXT NOT NULL,
      parent_run_id  TEXT,
      final_status   TEXT NOT NULL,
      current_node   TEXT NOT NULL,
      created_at     TEXT NOT NULL,
      updated_at     TEXT NOT NULL,
      record_count   INTEGER NOT NULL,
      head_hash      TEXT,
      deleted_at     TEXT NOT NULL,
      deleted_by     TEXT NOT NULL
    );
    CREATE INDEX run_tombstones_by_deleted ON run_tombstones (deleted_at DESC);

    DROP TRIGGER ledger_append_only_delete;
    CREATE TRIGGER ledger_append_only_delete BEFORE DELETE ON ledger
    WHEN NOT EXISTS (SELECT 1 FROM run_tombstones t WHERE t.run_key = (OLD.id >> 32))
    BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: a recorded step cannot be deleted'); END;
    DROP TRIGGER run_states_append_only_delete;
    CREATE TRIGGER run_states_append_only_delete BEFORE DELETE ON run_states
    WHEN NOT EXISTS (SELECT 1 FROM run_tombstones t WHERE t.run_key = OLD.run_key)
    BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only: a saved state cannot be deleted'); END;
  `);
}
