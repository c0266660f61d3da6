import { type RunState, type StepRecord } from '../../core/models';
import { type Checkpoints } from './checkpoints';
import { encodeLedgerRecord } from './ledger-rows';
import { type WorkspaceDb } from './workspace-db';

/** The last record of a run's chain: seq -1 and hash null for an empty ledger. */
export interface LedgerHead {
  seq: number;
  recordHash: string | null;
}

/** Where a forked run came from; written once, when the run is created. */
export interface ForkOrigin {
  runId: string;
  seq: number;
  headHash: string | null;
}

interface Chained {
  prevHash: string | null;
  recordHash: string;
}

const HEAD_SQL = 'SELECT seq, record_hash FROM ledger WHERE run_id = ? ORDER BY seq DESC LIMIT 1';
const INSERT_RECORD_SQL = 'INSERT INTO ledger (run_id, seq, canonical, record_hash, signature, key_order, completed_key) VALUES (?, ?, ?, ?, ?, ?, ?)';
const UPSERT_RUN_SQL = `
INSERT INTO runs (run_id, workflow_id, status, wait_reason, wait_until, parent_run_id, created_at, updated_at, checkpoint_id,
                  forked_from_run_id, forked_from_seq, forked_from_head_hash)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (run_id) DO UPDATE SET
  workflow_id = excluded.workflow_id, status = excluded.status, wait_reason = excluded.wait_reason,
  wait_until = excluded.wait_until, parent_run_id = excluded.parent_run_id, created_at = excluded.created_at,
  updated_at = excluded.updated_at, checkpoint_id = excluded.checkpoint_id`;

/**
 * Makes a step durable: the records it produced are chained onto the run's head as it is *inside*
 * the transaction (so another process that appended in between is seen), then the run is upserted
 * and its state checkpointed at the new head seq, all in one IMMEDIATE transaction. A crash or an
 * error anywhere leaves none of it.
 */
export class StepWriter {
  /**
   * Heads this connection wrote, to skip the head query (an index seek costing several µs) on
   * the next append. Valid only while no other connection has committed since: SQLite's
   * `data_version` changes exactly then, so each transaction checks it first and forgets the
   * cache when it moved. A failed transaction forgets it too.
   */
  private readonly heads = new Map<string, LedgerHead>();
  private dataVersion = -1;

  constructor(
    private readonly db: WorkspaceDb,
    private readonly checkpoints: Checkpoints,
  ) {}

  /** The head as stored (no cache): for readers. */
  head(runId: string): LedgerHead {
    const row = this.db.stmt(HEAD_SQL, 'raw').get(runId) as [number, string] | undefined;
    return row ? { seq: row[0], recordHash: row[1] } : { seq: -1, recordHash: null };
  }

  /** The head inside a write transaction, from the cache when no one else wrote meanwhile. */
  private headForWrite(runId: string): LedgerHead {
    const cached = this.heads.get(runId);
    if (cached) return cached;
    const head = this.head(runId);
    this.heads.set(runId, head);
    return head;
  }

  private checkCache(): void {
    const version = this.db.stmt('PRAGMA data_version', 'pluck').get() as number;
    if (version !== this.dataVersion) {
      this.heads.clear();
      this.dataVersion = version;
    }
  }

  commit(run: RunState | null, records: readonly StepRecord[]): void {
    let chained: Chained[];
    try {
      chained = this.db.write('commit a step', () => this.commitInTransaction(run, records));
    } catch (err) {
      this.heads.clear();
      throw err;
    }
    // Only now that it is committed does the caller's record carry its hashes (as the reference's
    // chained store does), so a failed commit leaves the caller's objects as they were.
    records.forEach((r, i) => {
      const c = chained[i] as Chained;
      r.prevHash = c.prevHash;
      r.recordHash = c.recordHash;
    });
  }

  /** The body of `commit`, for a caller that holds the transaction already (fork); on failure it must call `forget`. */
  commitInTransaction(run: RunState | null, records: readonly StepRecord[], origin: ForkOrigin | null = null): Chained[] {
    this.checkCache();
    const insert = this.db.stmt(INSERT_RECORD_SQL);
    const out: Chained[] = [];
    for (const record of records) {
      const head = this.headForWrite(record.runId);
      const row = encodeLedgerRecord(record, head.recordHash);
      const seq = head.seq + 1;
      const completedKey = record.status === 'completed' ? record.idempotencyKey : null;
      insert.run(record.runId, seq, row.canonical, row.recordHash, record.signature, row.keyOrder, completedKey);
      this.heads.set(record.runId, { seq, recordHash: row.recordHash });
      out.push({ prevHash: head.recordHash, recordHash: row.recordHash });
    }
    if (run) {
      const seq = this.headForWrite(run.runId).seq;
      this.saveRun(run, seq, origin);
    }
    return out;
  }

  /** Drops cached heads (after a transaction that used commitInTransaction failed). */
  forget(): void {
    this.heads.clear();
  }

  private saveRun(run: RunState, seq: number, origin: ForkOrigin | null): void {
    const checkpointId = this.checkpoints.write(run, seq);
    const w = run.waiting;
    this.db
      .stmt(UPSERT_RUN_SQL)
      .run(
        run.runId,
        run.workflowId,
        run.status,
        w?.reason ?? null,
        w?.until ?? null,
        run.parentRunId,
        run.createdAt,
        run.updatedAt,
        checkpointId,
        origin?.runId ?? null,
        origin?.seq ?? null,
        origin?.headHash ?? null,
      );
  }
}
