import { formatIsoTimestamp, systemClock, type Clock } from '../../json/timestamp';
import { type Snapshot, type SnapshotQuery, type SnapshotStore } from '../../snapshots/snapshot';
import { decodeSnapshotRow, searchSnapshotRows, SNAPSHOT_COLUMNS, snapshotRowValues, snapshotUpsertSql, type SnapshotRow } from '../snapshot-rows';
import { type PgDb } from './pg-db';

const UPSERT = snapshotUpsertSql('$S.snapshots', (i) => `$${i}`);

/** Named bookmarks of run states; the rows and search are the SQLite workspace's (`snapshot-rows.ts`). */
export class PgSnapshotStore implements SnapshotStore {
  constructor(
    private readonly db: PgDb,
    private readonly clock: Clock = systemClock,
  ) {}

  async save(snapshot: Snapshot): Promise<void> {
    snapshot.updatedAt = formatIsoTimestamp(this.clock.nowMicros());
    await this.db.query(UPSERT, snapshotRowValues(snapshot));
  }

  async load(snapshotId: string): Promise<Snapshot | null> {
    const [row] = await this.db.query<SnapshotRow>(`SELECT ${SNAPSHOT_COLUMNS} FROM $S.snapshots WHERE snapshot_id = $1`, [snapshotId]);
    return row ? decodeSnapshotRow(row) : null;
  }

  async delete(snapshotId: string): Promise<boolean> {
    return (await this.db.query('DELETE FROM $S.snapshots WHERE snapshot_id = $1 RETURNING 1', [snapshotId])).length > 0;
  }

  async list(query: SnapshotQuery = {}): Promise<Snapshot[]> {
    const rows = query.runId
      ? await this.db.query<SnapshotRow>(`SELECT ${SNAPSHOT_COLUMNS} FROM $S.snapshots WHERE run_id = $1 ORDER BY ord`, [query.runId])
      : await this.db.query<SnapshotRow>(`SELECT ${SNAPSHOT_COLUMNS} FROM $S.snapshots ORDER BY ord`);
    return searchSnapshotRows(rows, query);
  }
}
