import { type RunState } from '../../core/models';
import { decodeCheckpointState, encodeCheckpointState, type CheckpointState } from './checkpoint-state';
import { type WorkspaceDb } from './workspace-db';

/** One saved state of a run: what `stateAt` and the Studio's step diff read. */
export interface CheckpointInfo {
  /** Workspace-wide, increasing: the order the states were saved in. */
  checkpointId: number;
  /** The run's ledger head seq when the state was saved (-1: before its first record). */
  seq: number;
  state: RunState;
}

interface CheckpointRow {
  id: number;
  seq: number;
  state: string;
  spills: string | null;
}

/**
 * The checkpoints table: the run state after every commit, linked to the ledger seq that
 * produced it (time travel). Append-only (triggers refuse UPDATE and DELETE).
 */
export class Checkpoints {
  constructor(private readonly db: WorkspaceDb) {}

  /** Writes a checkpoint; call inside the commit's transaction. Returns its id. */
  write(run: RunState, seq: number): number {
    const { state, spills } = encodeCheckpointState(run, (sha, text) => {
      this.db.stmt('INSERT OR IGNORE INTO state_values (sha256, text) VALUES (?, ?)').run(sha, text);
    });
    const r = this.db.stmt('INSERT INTO checkpoints (run_id, seq, state, spills) VALUES (?, ?, ?, ?)').run(run.runId, seq, state, spills);
    return Number(r.lastInsertRowid);
  }

  decode(row: CheckpointState, source: string): RunState {
    return decodeCheckpointState(row, (sha) => this.valueText(sha), source);
  }

  private valueText(sha: string): string | null {
    const text = this.db.stmt('SELECT text FROM state_values WHERE sha256 = ?', 'pluck').get(sha);
    return typeof text === 'string' ? text : null;
  }

  /** The state as of ledger seq `seq`: the latest checkpoint saved at or before it, or null. */
  stateAt(runId: string, seq: number): RunState | null {
    return this.db.read(() => {
      const row = this.db
        .stmt('SELECT id, seq, state, spills FROM checkpoints WHERE run_id = ? AND seq <= ? ORDER BY seq DESC, id DESC LIMIT 1')
        .get(runId, seq) as CheckpointRow | undefined;
      return row ? this.decode(row, `checkpoint ${row.id} of run ${runId}`) : null;
    });
  }

  /** Checkpoints of a run in save order (seq never decreases within a run, so (seq, id) is save order and uses the index). */
  list(runId: string, options: { afterId?: number; limit?: number } = {}): CheckpointInfo[] {
    return this.db.read(() => {
      const rows = this.db
        .stmt('SELECT id, seq, state, spills FROM checkpoints WHERE run_id = ? AND id > ? ORDER BY seq, id LIMIT ?')
        .all(runId, options.afterId ?? 0, Math.max(0, options.limit ?? 1000)) as CheckpointRow[];
      return rows.map((row) => ({ checkpointId: row.id, seq: row.seq, state: this.decode(row, `checkpoint ${row.id} of run ${runId}`) }));
    });
  }
}
