import { type RunStatus, type WaitReason } from '../../core/enums';
import { type RunTombstone } from '../sqlite/run-archive';
import { type RunIndexQuery, type RunIndexRow } from '../sqlite/run-index';
import { type PgQuery } from './pg-db';

// By result-column name, so the same terms order a compound select of runs and tombstones (as on SQLite).
const ORDER: Record<NonNullable<RunIndexQuery['sort']>, string> = {
  updated_desc: 'updated_at DESC, created_seq DESC',
  updated_asc: 'updated_at ASC, created_seq ASC',
  created_desc: 'created_seq DESC',
  created_asc: 'created_seq ASC',
};

// The ledger count is the chain head's seq + 1 (heads holds -1 before a run's first record): one
// row by its key instead of a count over the run's records.
const ROW_SELECT = `SELECT r.run_id, r.workflow_id, r.status, r.wait_reason, r.wait_until, r.parent_run_id, r.created_at, r.updated_at,
  r.forked_from_run_id, r.forked_from_seq, r.forked_from_head_hash,
  (SELECT count(*)::int FROM $S.runs k WHERE k.parent_run_id = r.run_id) AS child_count,
  coalesce((SELECT h.seq + 1 FROM $S.heads h WHERE h.run_id = r.run_id), 0)::int AS ledger_count,
  (SELECT count(*)::int FROM $S.runs f WHERE f.forked_from_run_id = r.run_id) AS fork_count,
  r.archived_at, r.archived_by, NULL::text AS deleted_by, NULL::text AS head_hash, NULL::text AS current_node, r.created_seq, NULL::text AS last_updated_at`;
// A tombstone in the same columns: sorted by when it was deleted, in its run's creation order.
// Named as the runs' columns, so each side of the compound select can be ordered (and cut) on its own.
const TOMB_SELECT = `SELECT t.run_id, t.workflow_id, t.final_status, NULL, NULL, t.parent_run_id, t.created_at, t.deleted_at AS updated_at,
  NULL, NULL::integer, NULL, 0, t.record_count, 0, NULL, NULL, t.deleted_by, t.head_hash, t.current_node, t.created_seq AS created_seq, t.updated_at AS last_updated_at`;

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
  archived_at: string | null;
  archived_by: string | null;
  deleted_by: string | null;
  head_hash: string | null;
  current_node: string | null;
  last_updated_at: string | null;
}

/** Numbered parameters shared by both sides of a compound select. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
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
 * The text search looks in the run id, the workflow id and the stored state text. Tombstones of
 * deleted runs are listed with the runs when asked (`deleted`), in the same order.
 */
export class PgRunIndex {
  constructor(private readonly db: PgQuery) {}

  async query(q: RunIndexQuery): Promise<{ items: RunIndexRow[]; total: number }> {
    const p = new Params();
    const runs = q.deleted === 'only' ? null : runFilter(q, p);
    // A tombstone has no live status, wait or archive: a filter on any of them leaves tombstones out.
    const tombs = (q.deleted ?? 'exclude') === 'exclude' || q.status || q.waitReason || q.archived === 'only' ? null : tombFilter(q, p);
    const parts: { select: string; from: string; where: string }[] = [];
    if (runs !== null) parts.push({ select: ROW_SELECT, from: 'FROM $S.runs r', where: runs });
    if (tombs !== null) parts.push({ select: TOMB_SELECT, from: 'FROM $S.run_tombstones t', where: tombs });
    if (parts.length === 0) return { total: 0, items: [] };
    const counts = parts.map((x) => `(SELECT count(*) ${x.from} ${x.where})`).join(' + ');
    const [count] = await this.db.query<{ n: number }>(`SELECT (${counts})::int AS n`, p.values);
    const order = ORDER[q.sort ?? 'updated_desc'];
    const limitN = Math.max(1, q.limit ?? 200);
    const offsetN = Math.max(0, q.offset ?? 0);
    const [limit, offset] = [p.add(limitN), p.add(offsetN)];
    // Runs and tombstones together: each side ordered and cut to the page's end from its own index,
    // then merged, instead of sorting every run (and its counts) to find one page.
    const upTo = parts.length > 1 ? p.add(limitN + offsetN) : null;
    const sql = parts.map((x) => (upTo === null ? `${x.select} ${x.from} ${x.where}` : `(${x.select} ${x.from} ${x.where} ORDER BY ${order} LIMIT ${upTo})`)).join(' UNION ALL ');
    const rows = await this.db.query<Row>(`${sql} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`, p.values);
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

function runFilter(q: RunIndexQuery, p: Params): string {
  const where: string[] = [];
  if (q.status) where.push(`r.status = ${p.add(q.status)}`);
  if (q.workflowId) where.push(`r.workflow_id = ${p.add(q.workflowId)}`);
  if (q.waitReason) where.push(`r.wait_reason = ${p.add(q.waitReason)}`);
  if (q.topLevelOnly) where.push('r.parent_run_id IS NULL');
  if (q.parentRunId) where.push(`r.parent_run_id = ${p.add(q.parentRunId)}`);
  if (q.forkOf) where.push(`r.forked_from_run_id = ${p.add(q.forkOf)}`);
  if (q.nestForks) {
    // As on SQLite: a fork is listed under its parent while the parent is in this listing (runs_forked_from keeps it cheap).
    const listed = [q.topLevelOnly ? 'p.parent_run_id IS NULL' : null, q.archived === 'exclude' ? 'p.archived_at IS NULL' : null, q.archived === 'only' ? 'p.archived_at IS NOT NULL' : null];
    const cond = listed.filter((c) => c !== null).map((c) => ` AND ${c}`).join('');
    where.push(`(r.forked_from_run_id IS NULL OR NOT EXISTS (SELECT 1 FROM $S.runs p WHERE p.run_id = r.forked_from_run_id${cond}))`);
  }
  if (q.archived === 'exclude') where.push('r.archived_at IS NULL');
  if (q.archived === 'only') where.push('r.archived_at IS NOT NULL');
  if (q.text) {
    const n = p.add(q.text);
    where.push(`(strpos(r.run_id, ${n}) > 0 OR strpos(r.workflow_id, ${n}) > 0 OR strpos(r.state, ${n}) > 0)`);
  }
  return where.length ? `WHERE ${where.join(' AND ')}` : '';
}

function tombFilter(q: RunIndexQuery, p: Params): string {
  const where: string[] = [];
  if (q.workflowId) where.push(`t.workflow_id = ${p.add(q.workflowId)}`);
  if (q.topLevelOnly) where.push('t.parent_run_id IS NULL');
  if (q.parentRunId) where.push(`t.parent_run_id = ${p.add(q.parentRunId)}`);
  // A tombstone is no fork (its origin is not kept): none is listed among a run's forks.
  if (q.forkOf) where.push('false');
  if (q.text) {
    const n = p.add(q.text);
    where.push(`(strpos(t.run_id, ${n}) > 0 OR strpos(t.workflow_id, ${n}) > 0)`);
  }
  return where.length ? `WHERE ${where.join(' AND ')}` : '';
}

function toRow(r: Row): RunIndexRow {
  const tombstone: RunTombstone | null =
    r.deleted_by === null
      ? null
      : {
          runId: r.run_id, workflowId: r.workflow_id, parentRunId: r.parent_run_id, finalStatus: r.status, currentNode: r.current_node ?? '', createdAt: r.created_at,
          updatedAt: r.last_updated_at ?? r.updated_at, recordCount: r.ledger_count, headHash: r.head_hash, deletedAt: r.updated_at, deletedBy: r.deleted_by,
        };
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
    archivedAt: r.archived_at,
    archivedBy: r.archived_by,
    tombstone,
  };
}
