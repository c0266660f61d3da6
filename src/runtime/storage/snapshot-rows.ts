import { isJsonObject } from '../json/json-value';
import { parseJson } from '../json/parse';
import { pyJsonDumps } from '../json/py-dumps';
import { searchSnapshots, type Snapshot, type SnapshotQuery } from '../snapshots/snapshot';

/**
 * The `snapshots` table as both workspaces store it (SQLite and PostgreSQL hold the same
 * columns): one row type, one encoding, one decoding and one search, so a bookmark reads the
 * same whichever store wrote it (and `studio copy` moves rows verbatim between them).
 */
export interface SnapshotRow {
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

export const SNAPSHOT_COLUMNS = 'snapshot_id, run_id, step_id, name, description, tags, created_at, updated_at, run_state';

/** The upsert of one snapshot row, with the store's placeholders (`?` or `$1`…`$9`). */
export function snapshotUpsertSql(table: string, placeholder: (i: number) => string): string {
  const values = Array.from({ length: 9 }, (_, i) => placeholder(i + 1)).join(', ');
  return `INSERT INTO ${table} (${SNAPSHOT_COLUMNS}) VALUES (${values})
    ON CONFLICT (snapshot_id) DO UPDATE SET run_id = excluded.run_id, step_id = excluded.step_id, name = excluded.name,
      description = excluded.description, tags = excluded.tags, created_at = excluded.created_at,
      updated_at = excluded.updated_at, run_state = excluded.run_state`;
}

/** The row's values in SNAPSHOT_COLUMNS order; `run_state` in our own lossless serialisation. */
export function snapshotRowValues(s: Snapshot): [string, string, string | null, string, string | null, string, string, string, string] {
  return [s.snapshotId, s.runId, s.stepId, s.name, s.description, JSON.stringify(s.tags), s.createdAt, s.updatedAt, pyJsonDumps(s.runState, { separators: [',', ':'] })];
}

export function decodeSnapshotRow(row: SnapshotRow, withState = true): Snapshot {
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

/**
 * The reference's search (case-insensitive tag equality, name/description substring in Python's
 * sense of lower()) over candidate rows, in their stored order. It runs over the cheap fields
 * first; only the hits pay for parsing their run state.
 */
export function searchSnapshotRows(rows: readonly SnapshotRow[], query: SnapshotQuery): Snapshot[] {
  const byId = new Map(rows.map((r) => [r.snapshot_id, r]));
  const hits = searchSnapshots(rows.map((r) => decodeSnapshotRow(r, false)), query);
  return hits.map((h) => decodeSnapshotRow(byId.get(h.snapshotId) as SnapshotRow, true));
}
