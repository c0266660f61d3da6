import { type RunStatus, type WaitReason } from '../../core/enums';
import { type RunIndexQuery, type RunIndexRow } from '../sqlite/run-index';
import { type PgQuery } from './pg-db';

const ORDER: Record<NonNullable<RunIndexQuery['sort']>, string> = {
  updated_desc: 'r.updated_at DESC, r.created_seq DESC',
  updated_asc: 'r.updated_at ASC, r.created_seq ASC',
  created_desc: 'r.created_seq DESC',
  created_asc: 'r.created_seq ASC',
};

// The ledger count is the chain head's seq + 1 (heads holds -1 before a run's first record): one
// row by its key instead of a count over the run's records.
const ROW_SELECT = `SELECT r.run_id, r.workflow_id, r.status, r.wait_reason, r.wait_until, r.parent_run_id, r.created_at, r.updated_at,
  r.forked_from_run_id, r.forked_from_seq, r.forked_from_head_hash,
  (SELECT count(*)::int FROM $S.runs k WHERE k.parent_run_id = r.run_id) AS child_count,
  coalesce((SELECT h.seq + 1 FROM $S.heads h WHERE h.run_id = r.run_id), 0)::int AS ledger_count,
  (SELECT count(*)::int FROM $S.runs f WHERE f.forked_from_run_id = r.run_id) AS fork_count`;

interface Row {
  run_id: string;
  workflow_id: string;
  status: RunStatus;
  wait_reason: WaitReason | null;
  wait_until: string | null;
  parent_run_id: string | null;
  created_at: string;
  updated_at: string;
  forked_from_run_id: string | null;
  forked_from_seq: number | null;
  forked_from_head_hash: string | null;
  child_count: number;
  ledger_count: number;
  fork_count: number;
}

/** A run that changed since a point in time, as the fallback poll sees it. */
export interface PgRunStamp {
  runId: string;
  updatedAt: string;
  headSeq: number;
}

/**
 * The Studio's runs list over a PostgreSQL workspace: the same rows and filters as the SQLite
 * workspace's RunIndex (paged, with a total and a text search), answered from the runs indexes.
 * The text search looks in the run id, the workflow id and the stored state text.
 */
export class PgRunIndex {
  constructor(private readonly db: PgQuery) {}

  async query(q: RunIndexQuery): Promise<{ items: RunIndexRow[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: (n: string) => string, value: unknown): void => {
      params.push(value);
      where.push(sql(`$${params.length}`));
    };
    if (q.status) add((n) => `r.status = ${n}`, q.status);
    if (q.workflowId) add((n) => `r.workflow_id = ${n}`, q.workflowId);
    if (q.waitReason) add((n) => `r.wait_reason = ${n}`, q.waitReason);
    if (q.topLevelOnly) where.push('r.parent_run_id IS NULL');
    if (q.parentRunId) add((n) => `r.parent_run_id = ${n}`, q.parentRunId);
    if (q.forkOf) add((n) => `r.forked_from_run_id = ${n}`, q.forkOf);
    // As on SQLite: a fork is listed under its parent while the parent is in this listing (runs_forked_from keeps it cheap).
    if (q.nestForks) where.push(`(r.forked_from_run_id IS NULL OR NOT EXISTS (SELECT 1 FROM $S.runs p WHERE p.run_id = r.forked_from_run_id${q.topLevelOnly ? ' AND p.parent_run_id IS NULL' : ''}))`);
    // Nothing is archived in a PostgreSQL workspace (archive is kept by SQLite workspaces only so far).
    if (q.archived === 'only' || q.deleted === 'only') where.push('false');
    if (q.text) add((n) => `(strpos(r.run_id, ${n}) > 0 OR strpos(r.workflow_id, ${n}) > 0 OR strpos(r.state, ${n}) > 0)`, q.text);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [count] = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM $S.runs r ${filter}`, params);
    const limit = Math.max(1, q.limit ?? 200);
    const offset = Math.max(0, q.offset ?? 0);
    const rows = await this.db.query<Row>(
      `${ROW_SELECT} FROM $S.runs r ${filter} ORDER BY ${ORDER[q.sort ?? 'updated_desc']} LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, limit, offset],
    );
    return { total: count?.n ?? 0, items: rows.map(toRow) };
  }

  /** The same row for one run, or null. */
  async get(runId: string): Promise<RunIndexRow | null> {
    const [row] = await this.db.query<Row>(`${ROW_SELECT} FROM $S.runs r WHERE r.run_id = $1`, [runId]);
    return row ? toRow(row) : null;
  }

  /** Runs forked from `runId`, oldest first. */
  async forksOf(runId: string): Promise<Array<{ runId: string; seq: number | null; createdAt: string }>> {
    const rows = await this.db.query<{ run_id: string; forked_from_seq: number | null; created_at: string }>(
      'SELECT run_id, forked_from_seq, created_at FROM $S.runs WHERE forked_from_run_id = $1 ORDER BY created_seq',
      [runId],
    );
    return rows.map((r) => ({ runId: r.run_id, seq: r.forked_from_seq, createdAt: r.created_at }));
  }

  /**
   * Runs whose row was written at or after `sinceIso` (by the writer's clock), with their chain
   * heads: what a listener's slow poll reads to catch a change whose notification it missed.
   */
  async changedSince(sinceIso: string, limit = 500): Promise<PgRunStamp[]> {
    const rows = await this.db.query<{ run_id: string; updated_at: string; head_seq: number }>(
      `SELECT r.run_id, r.updated_at, coalesce((SELECT h.seq FROM $S.heads h WHERE h.run_id = r.run_id), -1)::int AS head_seq
       FROM $S.runs r WHERE r.updated_at >= $1 ORDER BY r.updated_at, r.created_seq LIMIT $2`,
      [sinceIso, limit],
    );
    return rows.map((r) => ({ runId: r.run_id, updatedAt: r.updated_at, headSeq: r.head_seq }));
  }
}

function toRow(r: Row): RunIndexRow {
  return {
    runId: r.run_id,
    workflowId: r.workflow_id,
    status: r.status,
    waitReason: r.wait_reason,
    waitUntil: r.wait_until,
    parentRunId: r.parent_run_id,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    forkedFromRunId: r.forked_from_run_id,
    forkedFromSeq: r.forked_from_seq,
    forkedFromHeadHash: r.forked_from_head_hash,
    childCount: r.child_count,
    ledgerCount: r.ledger_count,
    forkCount: r.fork_count,
    // Archive and delete (tombstones) are kept by SQLite workspaces only so far.
    archivedAt: null,
    archivedBy: null,
    tombstone: null,
  };
}
