import Database from 'better-sqlite3';

/**
 * The few raw reads and writes `studio copy` needs on a SQLite workspace file beside the
 * workspace's own connection (which lists no run ids and writes fork origins only when it forks
 * a run itself). Kept here so better-sqlite3 stays inside the SQLite store.
 */

/** Every run id of the file: runs with a row in creation order, then runs that have records only (a deleted run's key is neither). */
export function sqliteAllRunIds(path: string): string[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const withRow = db.prepare('SELECT run_id FROM runs ORDER BY created_seq').pluck().all() as string[];
    // A file from before migration 7 (a read-only source is not migrated) has no tombstones.
    const tombs = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'run_tombstones'").get() !== undefined;
    const notDeleted = tombs ? ' AND NOT EXISTS (SELECT 1 FROM run_tombstones t WHERE t.run_key = k.run_key)' : '';
    const recordsOnly = db.prepare(`SELECT run_id FROM run_keys k WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.run_id = k.run_id)${notDeleted} ORDER BY run_key`).pluck().all() as string[];
    return [...withRow, ...recordsOnly];
  } finally {
    db.close();
  }
}

export interface SqliteForkOrigin {
  runId: string;
  seq: number;
  headHash: string | null;
}

/** Writes copied runs' fork origins, all in one transaction. */
export function sqliteSetForkOrigins(path: string, origins: ReadonlyMap<string, SqliteForkOrigin>): void {
  if (origins.size === 0) return;
  const db = new Database(path, { fileMustExist: true });
  try {
    const set = db.prepare('UPDATE runs SET forked_from_run_id = ?, forked_from_seq = ?, forked_from_head_hash = ? WHERE run_id = ?');
    db.transaction(() => {
      for (const [runId, o] of origins) set.run(o.runId, o.seq, o.headHash, runId);
    })();
  } finally {
    db.close();
  }
}

/** True when the (migrated) file holds a run, record, artifact, snapshot, key or checkpoint. */
export function sqliteHasContent(path: string): boolean {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return ['runs', 'run_keys', 'artifacts', 'snapshots', 'actor_keys', 'chain_checkpoints'].some((t) => db.prepare(`SELECT 1 FROM ${t} LIMIT 1`).get() !== undefined);
  } finally {
    db.close();
  }
}
