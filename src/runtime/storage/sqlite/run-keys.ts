import { type WorkspaceDb } from './workspace-db';

/**
 * Run ids to run keys (the small integers the ledger's rowids and run_states are keyed by). A key
 * never changes once committed, so it is cached for the life of the connection; an allocation made
 * in a transaction that then fails is forgotten with `forget` (the whole cache: it is cheap to refill).
 */
export class RunKeys {
  private readonly keys = new Map<string, number>();

  constructor(private readonly db: WorkspaceDb) {}

  /** The run's key, or null when the workspace has never seen the run. */
  find(runId: string): number | null {
    const cached = this.keys.get(runId);
    if (cached !== undefined) return cached;
    const key = this.db.stmt('SELECT run_key FROM run_keys WHERE run_id = ?', 'pluck').get(runId) as number | undefined;
    if (key === undefined) return null;
    this.keys.set(runId, key);
    return key;
  }

  /** Inside a write transaction: the run's key, allocated when the run is new. */
  ensure(runId: string): number {
    const found = this.find(runId);
    if (found !== null) return found;
    const key = Number(this.db.stmt('INSERT INTO run_keys (run_id) VALUES (?)').run(runId).lastInsertRowid);
    this.keys.set(runId, key);
    return key;
  }

  forget(): void {
    this.keys.clear();
  }
}
