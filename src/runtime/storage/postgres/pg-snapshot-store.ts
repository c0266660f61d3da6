import { isJsonObject } from '../../json/json-value';
import { parseJson } from '../../json/parse';
import { pyJsonDumps } from '../../json/py-dumps';
import { formatIsoTimestamp, systemClock, type Clock } from '../../json/timestamp';
import { searchSnapshots, type Snapshot, type SnapshotQuery, type SnapshotStore } from '../../snapshots/snapshot';
import { type PgDb } from './pg-db';

interface SnapshotRow {
  snapshot_id: string;
  run_id: string;
  step_id: string | null;
  name: string;
  description: string | null;
  tags: string;
  created_at: string;
  updated_at: string;
  run_state: string;
}
const COLUMNS = 'snapshot_id, run_id, step_id, name, description, tags, created_at, updated_at, run_state';

/** Named bookmarks of run states; search is the reference's, in JS over the candidates (as in the SQLite workspace). */
export class PgSnapshotStore implements SnapshotStore {
  constructor(
    private readonly db: PgDb,
    private readonly clock: Clock = systemClock,
  ) {}

  async save(snapshot: Snapshot): Promise<void> {
    snapshot.updatedAt = formatIsoTimestamp(this.clock.nowMicros());
    const s = snapshot;
    await this.db.query(
      `INSERT INTO $S.snapshots (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (snapshot_id) DO UPDATE SET run_id = excluded.run_id, step_id = excluded.step_id, name = excluded.name,
         description = excluded.description, tags = excluded.tags, created_at = excluded.created_at,
         updated_at = excluded.updated_at, run_state = excluded.run_state`,
      [s.snapshotId, s.runId, s.stepId, s.name, s.description, JSON.stringify(s.tags), s.createdAt, s.updatedAt, pyJsonDumps(s.runState, { separators: [',', ':'] })],
    );
  }

  async load(snapshotId: string): Promise<Snapshot | null> {
    const [row] = await this.db.query<SnapshotRow>(`SELECT ${COLUMNS} FROM $S.snapshots WHERE snapshot_id = $1`, [snapshotId]);
    return row ? this.decode(row) : null;
  }

  async delete(snapshotId: string): Promise<boolean> {
    return (await this.db.query('DELETE FROM $S.snapshots WHERE snapshot_id = $1 RETURNING 1', [snapshotId])).length > 0;
  }

  async list(query: SnapshotQuery = {}): Promise<Snapshot[]> {
    const rows = query.runId
      ? await this.db.query<SnapshotRow>(`SELECT ${COLUMNS} FROM $S.snapshots WHERE run_id = $1 ORDER BY ord`, [query.runId])
      : await this.db.query<SnapshotRow>(`SELECT ${COLUMNS} FROM $S.snapshots ORDER BY ord`);
    const byId = new Map(rows.map((r) => [r.snapshot_id, r]));
    const hits = searchSnapshots(rows.map((r) => this.decode(r, false)), query);
    return hits.map((h) => this.decode(byId.get(h.snapshotId)!, true));
  }

  private decode(row: SnapshotRow, withState = true): Snapshot {
    const state = withState ? parseJson(row.run_state, { source: `snapshot ${row.snapshot_id}` }) : {};
    return {
      snapshotId: row.snapshot_id,
      runId: row.run_id,
      stepId: row.step_id,
      name: row.name,
      description: row.description,
      tags: JSON.parse(row.tags) as string[],
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      runState: isJsonObject(state) ? state : {},
    };
  }
}
