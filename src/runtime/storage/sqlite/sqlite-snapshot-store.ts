import { formatIsoTimestamp, systemClock, type Clock } from '../../json/timestamp';
import { type Snapshot, type SnapshotQuery, type SnapshotStore } from '../../snapshots/snapshot';
import { decodeSnapshotRow, searchSnapshotRows, SNAPSHOT_COLUMNS, snapshotRowValues, snapshotUpsertSql, type SnapshotRow } from '../snapshot-rows';
import { type WorkspaceDb } from './workspace-db';

const UPSERT = snapshotUpsertSql('snapshots', () => '?');

/**
 * Named bookmarks of run states. `run_state` is written by our own serialiser and read back
 * losslessly (`snapshot-rows.ts`, shared with the PostgreSQL workspace). Search is the
 * reference's, so it runs in JS over the candidates; the run filter uses an index.
 */
export class SqliteSnapshotStore implements SnapshotStore {
  constructor(
    private readonly db: WorkspaceDb,
    private readonly clock: Clock = systemClock,
  ) {}

  async save(snapshot: Snapshot): Promise<void> {
    snapshot.updatedAt = formatIsoTimestamp(this.clock.nowMicros());
    this.db.write('save a snapshot', () => this.db.stmt(UPSERT).run(...snapshotRowValues(snapshot)));
  }

  async load(snapshotId: string): Promise<Snapshot | null> {
    return this.db.read(() => {
      const row = this.db.stmt(`SELECT ${SNAPSHOT_COLUMNS} FROM snapshots WHERE snapshot_id = ?`).get(snapshotId) as SnapshotRow | undefined;
      return row ? decodeSnapshotRow(row) : null;
    });
  }

  async delete(snapshotId: string): Promise<boolean> {
    return this.db.write('delete a snapshot', () => this.db.stmt('DELETE FROM snapshots WHERE snapshot_id = ?').run(snapshotId).changes > 0);
  }

  async list(query: SnapshotQuery = {}): Promise<Snapshot[]> {
    return this.db.read(() => {
      const rows = (
        query.runId
          ? this.db.stmt(`SELECT ${SNAPSHOT_COLUMNS} FROM snapshots WHERE run_id = ? ORDER BY rowid`).all(query.runId)
          : this.db.stmt(`SELECT ${SNAPSHOT_COLUMNS} FROM snapshots ORDER BY rowid`).all()
      ) as SnapshotRow[];
      return searchSnapshotRows(rows, query);
    });
  }
}
