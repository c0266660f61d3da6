import { type RecordWriterStore } from '../record-writers';
import { type WorkspaceDb } from './workspace-db';

/** Migration 9's `record_writers`: who wrote the records copied into this workspace. */
export class SqliteRecordWriters implements RecordWriterStore {
  private tableKnown = false;

  constructor(private readonly db: WorkspaceDb) {}

  /** A file opened read-only is not migrated: one from before migration 9 names no writer. */
  private hasTable(): boolean {
    if (!this.tableKnown) {
      this.tableKnown = this.db.read(() => this.db.stmt("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'record_writers'", 'pluck').get() === 1);
    }
    return this.tableKnown;
  }

  writersOf(runId: string): Map<number, string> {
    if (!this.hasTable()) return new Map();
    const rows = this.db.read(() => this.db.stmt('SELECT seq, written_by FROM record_writers WHERE run_id = ? ORDER BY seq', 'raw').all(runId) as [number, string][]);
    return new Map(rows);
  }

  keepWriters(runId: string, writers: ReadonlyMap<number, string | null>): void {
    this.db.write('keep who wrote records', () => {
      for (const [seq, by] of writers) {
        if (by === null) this.db.stmt('DELETE FROM record_writers WHERE run_id = ? AND seq = ?').run(runId, seq);
        else this.db.stmt('INSERT OR REPLACE INTO record_writers (run_id, seq, written_by) VALUES (?, ?, ?)').run(runId, seq, by);
      }
    });
  }
}
