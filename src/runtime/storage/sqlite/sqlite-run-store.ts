import { type RunStatus } from '../../core/enums';
import { type RunState, type StepRecord } from '../../core/models';
import { CorruptFileError } from '../../errors';
import { type AtomicStepStore, type LeasingRunStore, type ListRunsQuery, type QueryableRunStore, type RunLease } from '../run-store';
import { type Checkpoints } from './checkpoints';
import { type RunKeys } from './run-keys';
import { type RunLeases } from './run-leases';
import { maxStateUpdatedAt } from './run-rows';
import { type ForkOrigin, type StepWriter } from './step-writer';
import { type WorkspaceDb } from './workspace-db';

const ROW_SELECT = 'SELECT r.created_seq, r.run_id, r.status, r.updated_at FROM runs r';
type Row = [key: number, runId: string, status: string, updatedAt: string];

/** The SQL of `listRuns` for the filters present (exported so tests can check its query plan); binds a LIMIT last. */
export function listRunsSql(query: ListRunsQuery): { sql: string; params: unknown[] } {
  const filters: [string, string | null | undefined][] = [
    ['r.status = ?', query.status],
    ['r.wait_reason = ?', query.waitReason],
    ['r.workflow_id = ?', query.workflowId],
  ];
  const used = filters.filter(([, v]) => v); // empty or null means "any", as in the reference
  const where = used.length ? `WHERE ${used.map(([sql]) => sql).join(' AND ')}` : '';
  return { sql: `${ROW_SELECT} ${where} ORDER BY r.updated_at DESC, r.created_seq LIMIT ?`, params: used.map(([, v]) => v) };
}

// The literal conditions match the partial index runs_due_until; INDEXED BY pins it (without
// ANALYZE statistics SQLite would prefer the wait_reason equality and sort the whole reason).
export const DUE_WAIT_UNTIL_SQL = `${ROW_SELECT} INDEXED BY runs_due_until WHERE r.status = 'waiting' AND r.wait_reason = 'until' AND r.wait_until IS NOT NULL
  AND r.wait_until <= ? ORDER BY r.wait_until, r.created_seq LIMIT ?`;
const WAIT_UNTIL_TIMES_SQL = `SELECT r.run_id, r.wait_until FROM runs r INDEXED BY runs_due_until
  WHERE r.status = 'waiting' AND r.wait_reason = 'until' AND r.wait_until IS NOT NULL ORDER BY r.wait_until, r.created_seq LIMIT ?`;
export const CHILDREN_SQL = `${ROW_SELECT} WHERE r.parent_run_id = ? ORDER BY r.created_seq`;
export const CHILDREN_BY_STATUS_SQL = `${ROW_SELECT} WHERE r.parent_run_id = ? AND r.status = ? ORDER BY r.created_seq`;

interface Candidate {
  key: number;
  runId: string;
  /** The run's true updatedAt (from its state for a running run, whose row may lag). */
  updatedAt: string;
  state: RunState | null;
}

const newestFirst = (a: Candidate, b: Candidate): number => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : a.key - b.key);

/**
 * Runs of a SQLite workspace. The query methods are answered from indexes (see schema-v1), with
 * the same semantics as the reference's scans (run-queries.ts): ties in `updatedAt` keep creation
 * order, as the in-memory store's stable sort keeps insertion order.
 */
export class SqliteRunStore implements QueryableRunStore, AtomicStepStore, LeasingRunStore {
  constructor(
    private readonly db: WorkspaceDb,
    private readonly writer: StepWriter,
    private readonly keys: RunKeys,
    private readonly checkpoints: Checkpoints,
    private readonly leases: RunLeases,
    private readonly ledger: object,
  ) {}

  async save(run: RunState): Promise<void> {
    this.writer.commit(run, []);
  }

  async load(runId: string): Promise<RunState | null> {
    return this.db.read(() => {
      const key = this.keys.find(runId);
      if (key === null || this.db.stmt('SELECT 1 FROM runs WHERE created_seq = ?', 'pluck').get(key) === undefined) return null;
      return this.stateOf(key, runId);
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

  /**
   * Newest first. The index gives the order of the rows; a running run's row may lag its state by
   * < 100 ms (see schema-v1), so rows are read until no later row can beat the `limit`-th run
   * found, and running runs are placed by their state. Normally that is `limit` + 1 rows.
   */
  async listRuns(query: ListRunsQuery = {}): Promise<RunState[]> {
    const limit = Math.max(0, query.limit ?? 100);
    if (limit === 0) return [];
    const { sql, params } = listRunsSql(query);
    return this.db.read(() => {
      const stmt = this.db.stmt(sql, 'raw');
      // Rarely more than limit + 1 rows are needed; when they are, read again with room to spare.
      for (let batch = limit + 1; ; batch *= 4) {
        const rows = stmt.all(...params, batch) as Row[];
        const found: Candidate[] = [];
        if (this.collect(rows, found, limit) || rows.length < batch) return found.sort(newestFirst).map((c) => c.state ?? this.stateOf(c.key, c.runId));
      }
    });
  }

  /** Adds rows to the `limit` best; returns true once no later row can enter them. */
  private collect(rows: Row[], found: Candidate[], limit: number): boolean {
    for (const [key, runId, status, updatedAt] of rows) {
      if (found.length === limit && (found[limit - 1] as Candidate).updatedAt > maxStateUpdatedAt(updatedAt, status)) return true;
      const state = status === 'running' ? this.stateOf(key, runId) : null;
      found.push({ key, runId, updatedAt: state ? state.updatedAt : updatedAt, state });
      if (found.length >= limit) {
        found.sort(newestFirst);
        found.length = limit;
      }
    }
    return false;
  }

  async listDueWaitUntil(query: { nowIso: string; limit?: number }): Promise<RunState[]> {
    return this.many(DUE_WAIT_UNTIL_SQL, [query.nowIso, Math.max(0, query.limit ?? 100)]);
  }

  /**
   * The earliest `wait_until` times of waiting runs, from the index alone (no state is read): what
   * a scheduler needs to arm its timer, at a fraction of the cost of `listDueWaitUntil`.
   */
  async listWaitUntilTimes(query: { limit?: number } = {}): Promise<{ runId: string; until: string }[]> {
    return this.db.read(() =>
      (this.db.stmt(WAIT_UNTIL_TIMES_SQL, 'raw').all(Math.max(0, query.limit ?? 100)) as [string, string][]).map(([runId, until]) => ({ runId, until })),
    );
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
    return this.db.read(() => (this.db.stmt(sql, 'raw').all(...params) as Row[]).map(([key, runId]) => this.stateOf(key, runId)));
  }

  /** The latest saved state of a run that has a row (every run with a row has one). */
  private stateOf(key: number, runId: string): RunState {
    const found = this.checkpoints.find(key, Number.MAX_SAFE_INTEGER);
    if (!found) throw new CorruptFileError(this.db.path, `run ${runId} has a row but no saved state`);
    return this.checkpoints.decode(key, found, `run ${runId}`);
  }
}
