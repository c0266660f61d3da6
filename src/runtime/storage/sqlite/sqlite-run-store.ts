import { type RunStatus } from '../../core/enums';
import { type RunState, type StepRecord } from '../../core/models';
import { type AtomicStepStore, type LeasingRunStore, type ListRunsQuery, type QueryableRunStore, type RunLease } from '../run-store';
import { type Checkpoints } from './checkpoints';
import { type RunLeases } from './run-leases';
import { type ForkOrigin, type StepWriter } from './step-writer';
import { type WorkspaceDb } from './workspace-db';

const STATE_SELECT = 'SELECT c.state, c.spills, r.run_id FROM runs r JOIN checkpoints c ON c.id = r.checkpoint_id';

/** The SQL of `listRuns` for the filters present (exported so tests can check its query plan). */
export function listRunsSql(query: ListRunsQuery): { sql: string; params: unknown[] } {
  const filters: [string, string | null | undefined][] = [
    ['r.status = ?', query.status],
    ['r.wait_reason = ?', query.waitReason],
    ['r.workflow_id = ?', query.workflowId],
  ];
  const used = filters.filter(([, v]) => v); // empty or null means "any", as in the reference
  const where = used.length ? `WHERE ${used.map(([sql]) => sql).join(' AND ')}` : '';
  return { sql: `${STATE_SELECT} ${where} ORDER BY r.updated_at DESC, r.created_seq LIMIT ?`, params: used.map(([, v]) => v) };
}

// The literal conditions match the partial index runs_due_until; INDEXED BY pins it (without
// ANALYZE statistics SQLite would prefer the wait_reason equality and sort the whole reason).
export const DUE_WAIT_UNTIL_SQL = `${STATE_SELECT.replace('FROM runs r', 'FROM runs r INDEXED BY runs_due_until')} WHERE r.status = 'waiting' AND r.wait_reason = 'until' AND r.wait_until IS NOT NULL
  AND r.wait_until <= ? ORDER BY r.wait_until, r.created_seq LIMIT ?`;
export const CHILDREN_SQL = `${STATE_SELECT} WHERE r.parent_run_id = ? ORDER BY r.created_seq`;
export const CHILDREN_BY_STATUS_SQL = `${STATE_SELECT} WHERE r.parent_run_id = ? AND r.status = ? ORDER BY r.created_seq`;

interface StateRow {
  state: string;
  spills: string | null;
  run_id: string;
}

/**
 * Runs of a SQLite workspace. The query methods are answered from indexes (see schema-v1), with
 * the same semantics as the reference's scans (run-queries.ts): ties in `updatedAt` keep creation
 * order, as the in-memory store's stable sort keeps insertion order.
 */
export class SqliteRunStore implements QueryableRunStore, AtomicStepStore, LeasingRunStore {
  constructor(
    private readonly db: WorkspaceDb,
    private readonly writer: StepWriter,
    private readonly checkpoints: Checkpoints,
    private readonly leases: RunLeases,
    private readonly ledger: object,
  ) {}

  async save(run: RunState): Promise<void> {
    this.writer.commit(run, []);
  }

  async load(runId: string): Promise<RunState | null> {
    return this.db.read(() => {
      const row = this.db.stmt(`${STATE_SELECT} WHERE r.run_id = ?`).get(runId) as StateRow | undefined;
      return row ? this.decode(row) : null;
    });
  }

  async commitStep(run: RunState | null, records: readonly StepRecord[]): Promise<void> {
    this.writer.commit(run, records);
  }

  /** True for this workspace's own ledger store: only then can a step commit in one transaction. */
  ownsLedger(ledger: unknown): boolean {
    return ledger === this.ledger;
  }

  async acquireRunLease(runId: string): Promise<RunLease> {
    return this.leases.acquire(runId);
  }

  async listRuns(query: ListRunsQuery = {}): Promise<RunState[]> {
    const { sql, params } = listRunsSql(query);
    return this.many(sql, [...params, Math.max(0, query.limit ?? 100)]);
  }

  async listDueWaitUntil(query: { nowIso: string; limit?: number }): Promise<RunState[]> {
    return this.many(DUE_WAIT_UNTIL_SQL, [query.nowIso, Math.max(0, query.limit ?? 100)]);
  }

  async listChildren(query: { parentRunId: string; status?: RunStatus | null }): Promise<RunState[]> {
    if (query.status) return this.many(CHILDREN_BY_STATUS_SQL, [query.parentRunId, query.status]);
    return this.many(CHILDREN_SQL, [query.parentRunId]);
  }

  /** Where a forked run came from, or null for a run that is not a fork. */
  async forkOrigin(runId: string): Promise<ForkOrigin | null> {
    return this.db.read(() => {
      const row = this.db
        .stmt('SELECT forked_from_run_id, forked_from_seq, forked_from_head_hash FROM runs WHERE run_id = ?', 'raw')
        .get(runId) as [string | null, number | null, string | null] | undefined;
      return row && row[0] !== null ? { runId: row[0], seq: row[1] ?? -1, headHash: row[2] } : null;
    });
  }

  /** Ids of the runs forked from this one, oldest first. */
  async listForks(runId: string): Promise<string[]> {
    return this.db.read(() => this.db.stmt('SELECT run_id FROM runs WHERE forked_from_run_id = ? ORDER BY created_seq', 'pluck').all(runId) as string[]);
  }

  /** How many runs the workspace holds. */
  async count(): Promise<number> {
    return this.db.read(() => this.db.stmt('SELECT count(*) FROM runs', 'pluck').get() as number);
  }

  private many(sql: string, params: unknown[]): RunState[] {
    return this.db.read(() => (this.db.stmt(sql).all(...params) as StateRow[]).map((row) => this.decode(row)));
  }

  private decode(row: StateRow): RunState {
    return this.checkpoints.decode(row, `run ${row.run_id}`);
  }
}
