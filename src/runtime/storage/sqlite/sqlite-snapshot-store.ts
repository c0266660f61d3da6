import { isJsonObject } from '../../json/json-value';
import { parseJson } from '../../json/parse';
import { pyJsonDumps } from '../../json/py-dumps';
import { formatIsoTimestamp, systemClock, type Clock } from '../../json/timestamp';
import { searchSnapshots, type Snapshot, type SnapshotQuery, type SnapshotStore } from '../../snapshots/snapshot';
import { type WorkspaceDb } from './workspace-db';

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

/**
 * Named bookmarks of run states. `run_state` is written by our own serialiser and read back
 * losslessly. Search is the reference's (case-insensitive tag equality and name/description
 * substring, in Python's sense of lower()), so it runs in JS over the candidates; the run filter
 * uses an index.
 */
export class SqliteSnapshotStore implements SnapshotStore {
  constructor(
    private readonly db: WorkspaceDb,
    private readonly clock: Clock = systemClock,
  ) {}

  async save(snapshot: Snapshot): Promise<void> {
    snapshot.updatedAt = formatIsoTimestamp(this.clock.nowMicros());
    const s = snapshot;
    this.db.write('save a snapshot', () =>
      this.db
        .stmt(
          `INSERT INTO snapshots (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (snapshot_id) DO UPDATE SET run_id = excluded.run_id, step_id = excluded.step_id, name = excluded.name,
             description = excluded.description, tags = excluded.tags, created_at = excluded.created_at,
             updated_at = excluded.updated_at, run_state = excluded.run_state`,
        )
        .run(s.snapshotId, s.runId, s.stepId, s.name, s.description, JSON.stringify(s.tags), s.createdAt, s.updatedAt, pyJsonDumps(s.runState, { separators: [',', ':'] })),
    );
  }

  async load(snapshotId: string): Promise<Snapshot | null> {
    return this.db.read(() => {
      const row = this.db.stmt(`SELECT ${COLUMNS} FROM snapshots WHERE snapshot_id = ?`).get(snapshotId) as SnapshotRow | undefined;
      return row ? this.decode(row) : null;
    });
  }

  async delete(snapshotId: string): Promise<boolean> {
    return this.db.write('delete a snapshot', () => this.db.stmt('DELETE FROM snapshots WHERE snapshot_id = ?').run(snapshotId).changes > 0);
  }

  async list(query: SnapshotQuery = {}): Promise<Snapshot[]> {
    return this.db.read(() => {
      const rows = (
        query.runId
          ? this.db.stmt(`SELECT ${COLUMNS} FROM snapshots WHERE run_id = ? ORDER BY rowid`).all(query.runId)
          : this.db.stmt(`SELECT ${COLUMNS} FROM snapshots ORDER BY rowid`).all()
      ) as SnapshotRow[];
      // Search over the cheap fields first; only the hits pay for parsing their run state.
      const byId = new Map(rows.map((r) => [r.snapshot_id, r]));
      const hits = searchSnapshots(rows.map((r) => this.decode(r, false)), query);
      return hits.map((h) => this.decode(byId.get(h.snapshotId) as SnapshotRow, true));
    });
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
