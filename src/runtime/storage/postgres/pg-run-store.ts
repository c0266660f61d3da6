import { type RunStatus } from '../../core/enums';
import { type RunState, type StepRecord } from '../../core/models';
import { type AtomicStepStore, type LeasingRunStore, type ListRunsQuery, type QueryableRunStore, type RunLease, type WaitUntilTimes } from '../run-store';
import { type PgDb } from './pg-db';
import { type PgLeases } from './pg-leases';
import { decodeRunStateText } from './pg-state-codec';
import { type PgStepWriter } from './pg-step-writer';

interface StateRow {
  run_id: string;
  state: string;
}

/** The SQL of `listRuns` for the filters present; the LIMIT is the last parameter. */
export function pgListRunsSql(query: ListRunsQuery): { sql: string; params: unknown[] } {
  const filters: [string, string | null | undefined][] = [
    ['status', query.status],
    ['wait_reason', query.waitReason],
    ['workflow_id', query.workflowId],
  ];
  const used = filters.filter(([, v]) => v); // empty or null means "any", as in the reference
  const where = used.length ? `WHERE ${used.map(([col], i) => `${col} = $${i + 1}`).join(' AND ')}` : '';
  return {
    sql: `SELECT run_id, state FROM $S.runs ${where} ORDER BY updated_at DESC, created_seq LIMIT $${used.length + 1}`,
    params: used.map(([, v]) => v),
  };
}

const DUE_SQL = `SELECT run_id, state FROM $S.runs WHERE status = 'waiting' AND wait_reason = 'until' AND wait_until IS NOT NULL
  AND wait_until <= $1 ORDER BY wait_until, created_seq LIMIT $2`;
const UNTIL_TIMES_SQL = `SELECT run_id, wait_until FROM $S.runs WHERE status = 'waiting' AND wait_reason = 'until' AND wait_until IS NOT NULL
  ORDER BY wait_until, created_seq LIMIT $1`;

// Runs a worker may take: running; waiting for a time that has come; asked something (pending
// requests, or taken ones a holder that is gone left unfinished); or waiting on a child run that
// completed. Of a workflow it knows, with no lease or an expired one. Each branch is read through
// an index of its own (a plain OR of them would read every run), oldest run first, so none starves.
const CLAIMABLE_SQL = `WITH candidates AS (
    SELECT run_id FROM $S.runs WHERE status = 'running'
    UNION SELECT run_id FROM $S.runs WHERE status = 'waiting' AND wait_reason = 'until' AND wait_until IS NOT NULL AND wait_until <= $1
    UNION SELECT run_id FROM $S.run_requests WHERE status = 'pending'
    UNION SELECT run_id FROM $S.run_requests WHERE status = 'taken'
    UNION SELECT p.run_id FROM $S.runs p JOIN $S.runs c ON c.parent_run_id = p.run_id
      WHERE p.wait_reason = 'subworkflow' AND p.status = 'waiting' AND c.status = 'completed'
        AND c.run_id = (p.state::jsonb #>> '{waiting,details,sub_run_id}')
  )
  SELECT r.run_id FROM candidates k JOIN $S.runs r ON r.run_id = k.run_id LEFT JOIN $S.leases l ON l.run_id = r.run_id
  WHERE r.workflow_id = ANY($2::text[]) AND (l.run_id IS NULL OR l.expires_at <= clock_timestamp()) AND NOT (r.run_id = ANY($3::text[]))
  ORDER BY r.created_seq LIMIT $4`;

/**
 * Runs of a PostgreSQL workspace, answered from indexes (see pg-migrations.ts) with the
 * reference's semantics (run-queries.ts): newest first, ties in creation order. The row's
 * indexed columns are written with the state in the same statement, so they never lag it.
 */
export class PgRunStore implements QueryableRunStore, AtomicStepStore, LeasingRunStore, WaitUntilTimes {
  constructor(
    private readonly db: PgDb,
    private readonly writer: PgStepWriter,
    private readonly leases: PgLeases,
    private readonly ledger: object,
  ) {}

  async save(run: RunState): Promise<void> {
    await this.writer.commit(run, []);
  }

  async load(runId: string): Promise<RunState | null> {
    // Held under a lease: no one else can have committed it since this open last did (or read it).
    const held = this.leases.stateOf(runId);
    if (held !== null) return this.decode({ run_id: runId, state: held });
    // The head comes with the state, so the writer's next commit of the run can be one statement.
    const [row] = await this.db.query<StateRow & { seq: number | null; record_hash: string | null; state_seq: number | null; state_n: number | null }>(
      'SELECT r.run_id, r.state, h.seq, h.record_hash, h.state_seq, h.state_n FROM $S.runs r LEFT JOIN $S.heads h ON h.run_id = r.run_id WHERE r.run_id = $1',
      [runId],
    );
    if (!row) return null;
    const run = this.decode(row);
    this.leases.rememberState(runId, row.state);
    this.writer.remember(runId, {
      seq: row.seq ?? -1,
      recordHash: row.record_hash,
      saved: row.state_seq === null || row.state_n === null ? null : { seq: row.state_seq, n: row.state_n },
    });
    return run;
  }

  async commitStep(run: RunState | null, records: readonly StepRecord[]): Promise<void> {
    await this.writer.commit(run, records);
  }

  /** True for this workspace's own ledger store: only then can a step commit in one transaction. */
  ownsLedger(ledger: unknown): boolean {
    return ledger === this.ledger;
  }

  async acquireRunLease(runId: string): Promise<RunLease> {
    return this.leases.acquire(runId);
  }

  /** Leases up to `limit` due `wait_until` runs in one statement (see PgLeases.claimDue): each to one claimer only. */
  async claimDueWaitUntil(query: {
    nowIso: string;
    workflowIds: readonly string[];
    skip?: readonly string[];
    limit: number;
  }): Promise<{ runId: string; lease: RunLease; openRequests: boolean }[]> {
    const claimed = await this.leases.claimDue(query);
    // Each came with its head, as a load would remember it: the claimer's first commit is one statement.
    for (const c of claimed) {
      const h = c.head;
      this.writer.remember(c.runId, { seq: h.seq, recordHash: h.recordHash, saved: h.stateSeq === null || h.stateN === null ? null : { seq: h.stateSeq, n: h.stateN } });
    }
    return claimed.map(({ runId, lease, openRequests }) => ({ runId, lease, openRequests }));
  }

  async listRuns(query: ListRunsQuery = {}): Promise<RunState[]> {
    const limit = Math.max(0, query.limit ?? 100);
    if (limit === 0) return [];
    const { sql, params } = pgListRunsSql(query);
    return (await this.db.query<StateRow>(sql, [...params, limit])).map((r) => this.decode(r));
  }

  async listDueWaitUntil(query: { nowIso: string; limit?: number }): Promise<RunState[]> {
    return (await this.db.query<StateRow>(DUE_SQL, [query.nowIso, Math.max(0, query.limit ?? 100)])).map((r) => this.decode(r));
  }

  async listWaitUntilTimes(query: { limit?: number } = {}): Promise<Array<{ runId: string; until: string }>> {
    const rows = await this.db.query<{ run_id: string; wait_until: string }>(UNTIL_TIMES_SQL, [Math.max(0, query.limit ?? 100)]);
    return rows.map((r) => ({ runId: r.run_id, until: r.wait_until }));
  }

  async listChildren(query: { parentRunId: string; status?: RunStatus | null }): Promise<RunState[]> {
    const rows = query.status
      ? await this.db.query<StateRow>('SELECT run_id, state FROM $S.runs WHERE parent_run_id = $1 AND status = $2 ORDER BY created_seq', [query.parentRunId, query.status])
      : await this.db.query<StateRow>('SELECT run_id, state FROM $S.runs WHERE parent_run_id = $1 ORDER BY created_seq', [query.parentRunId]);
    return rows.map((r) => this.decode(r));
  }

  /**
   * Ids of runs a worker could move now (running, due `wait_until`, asked something through the
   * request queue, or a parent whose child completed) of the given workflows, not leased by a
   * live holder and not in `skip`. Only a hint: the lease decides who gets one.
   */
  async listClaimable(query: { nowIso: string; workflowIds: readonly string[]; skip?: readonly string[]; limit: number }): Promise<string[]> {
    const rows = await this.db.query<{ run_id: string }>(CLAIMABLE_SQL, [query.nowIso, query.workflowIds, query.skip ?? [], Math.max(0, query.limit)]);
    return rows.map((r) => r.run_id);
  }

  /** Where a forked run came from, or null for a run that is not a fork (as the SQLite run store answers). */
  async forkOrigin(runId: string): Promise<{ runId: string; seq: number; headHash: string | null } | null> {
    const [row] = await this.db.query<{ forked_from_run_id: string | null; forked_from_seq: number | null; forked_from_head_hash: string | null }>(
      'SELECT forked_from_run_id, forked_from_seq, forked_from_head_hash FROM $S.runs WHERE run_id = $1',
      [runId],
    );
    return row && row.forked_from_run_id !== null ? { runId: row.forked_from_run_id, seq: row.forked_from_seq ?? -1, headHash: row.forked_from_head_hash } : null;
  }

  /** Every run id with a row or records: runs in creation order, then runs with records only. */
  async allRunIds(): Promise<string[]> {
    const rows = await this.db.query<{ run_id: string }>(
      `SELECT run_id FROM (SELECT run_id, 0 AS k, created_seq AS o FROM $S.runs
         UNION ALL SELECT h.run_id, 1, 0 FROM $S.heads h WHERE NOT EXISTS (SELECT 1 FROM $S.runs r WHERE r.run_id = h.run_id)) x ORDER BY k, o, run_id`,
    );
    return rows.map((r) => r.run_id);
  }

  /** How many runs the workspace holds. */
  async count(): Promise<number> {
    return (await this.db.query<{ n: number }>('SELECT count(*)::int AS n FROM $S.runs'))[0]?.n ?? 0;
  }

  private decode(row: StateRow): RunState {
    return decodeRunStateText(row.state, `${this.db.name} run ${row.run_id}`);
  }
}
