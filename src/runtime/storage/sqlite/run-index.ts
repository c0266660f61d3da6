import { type RunStatus, type WaitReason } from '../../core/enums';
import { type RunTombstone } from './run-archive';
import { type WorkspaceDb } from './workspace-db';

/** One row of the Studio's runs list: indexed columns only, plus counts (no state is parsed). */
export interface RunIndexRow {
  runId: string;
  workflowId: string;
  status: RunStatus;
  waitReason: WaitReason | null;
  waitUntil: string | null;
  parentRunId: string | null;
  createdAt: string;
  /** As indexed: for a running run mid-tick this may lag its state by < 100 ms (see schema-v1). */
  updatedAt: string;
  forkedFromRunId: string | null;
  forkedFromSeq: number | null;
  forkedFromHeadHash: string | null;
  childCount: number;
  ledgerCount: number;
  /** Runs forked from this one (live runs, archived ones included); absent where the source does not count them. */
  forkCount?: number;
  /** When and by whom the run was archived (schema-v7), or null. */
  archivedAt: string | null;
  archivedBy: string | null;
  /** Set for a deleted run: the row is its tombstone (updatedAt is when it was deleted). */
  tombstone: RunTombstone | null;
}

export interface RunIndexQuery {
  status?: RunStatus | null;
  workflowId?: string | null;
  waitReason?: WaitReason | null;
  /** Substring of the run id, the workflow id, or the saved state text (node, error, vars). */
  text?: string | null;
  sort?: 'updated_desc' | 'updated_asc' | 'created_desc' | 'created_asc';
  offset?: number;
  limit?: number;
  topLevelOnly?: boolean;
  /** Only the children of this run. */
  parentRunId?: string | null;
  /** Only the runs forked from this run. */
  forkOf?: string | null;
  /**
   * Forks nest under their parent: a fork is left out when its parent is itself in this listing
   * (a live run, top-level when `topLevelOnly`, not archived when `archived` is 'exclude'). A fork
   * whose parent was deleted, or is filtered out, is listed like any run.
   */
  nestForks?: boolean;
  /** Archived runs: left out, the only ones, or listed with the others (the default, for runtime callers). */
  archived?: 'exclude' | 'only' | 'include';
  /** Tombstones of deleted runs: left out (the default), the only ones, or listed with the runs. */
  deleted?: 'exclude' | 'only' | 'include';
}

// By result-column name, so the same terms order a compound select of runs and tombstones; SQLite
// merges the two ordered sides (each from its index) instead of sorting them all.
const ORDER: Record<NonNullable<RunIndexQuery['sort']>, string> = {
  updated_desc: 'updated_at DESC, created_seq DESC',
  updated_asc: 'updated_at ASC, created_seq ASC',
  created_desc: 'created_seq DESC',
  created_asc: 'created_seq ASC',
};

const ROW_SELECT = `SELECT r.run_id, r.workflow_id, r.status, r.wait_reason, r.wait_until, r.parent_run_id, r.created_at, r.updated_at,
  r.forked_from_run_id, r.forked_from_seq, r.forked_from_head_hash,
  (SELECT count(*) FROM runs k WHERE k.parent_run_id = r.run_id) AS child_count,
  coalesce((SELECT l.seq + 1 FROM ledger l WHERE l.id >= (r.created_seq << 32) AND l.id < ((r.created_seq + 1) << 32) ORDER BY l.id DESC LIMIT 1), 0) AS ledger_count,
  r.archived_at, r.archived_by, NULL AS deleted_by, NULL AS head_hash, NULL AS current_node, r.created_seq AS created_seq, NULL AS last_updated_at,
  (SELECT count(*) FROM runs f WHERE f.forked_from_run_id = r.run_id) AS fork_count`;
// A tombstone in the same columns: sorted by when it was deleted, its key standing in for created_seq.
const TOMB_SELECT = `SELECT t.run_id, t.workflow_id, t.final_status, NULL, NULL, t.parent_run_id, t.created_at, t.deleted_at AS updated_at,
  NULL, NULL, NULL, 0, t.record_count, NULL, NULL, t.deleted_by, t.head_hash, t.current_node, t.run_key AS created_seq, t.updated_at AS last_updated_at, 0`;

// The run's current state as stored (see Checkpoints and schema-v4): its latest full state and the
// deltas saved after it. A text found in any of them is (or was, until a later delta) in the state.
const NOT_DELTA = (col: string): string => `substr(${col}, 1, 11) <> '{"$delta":1'`;
const RUN_ROWS = 'l.id >= (r.created_seq << 32) AND l.id < ((r.created_seq + 1) << 32) AND l.state IS NOT NULL';
const KEYFRAME_SEQ = `max(
    coalesce((SELECT l.seq FROM ledger l WHERE ${RUN_ROWS} AND ${NOT_DELTA('l.state')} ORDER BY l.id DESC LIMIT 1), -1),
    coalesce((SELECT max(s.seq) FROM run_states s WHERE s.run_key = r.created_seq AND ${NOT_DELTA('s.state')}), -1))`;
const STATE_HAS_TEXT = `(EXISTS (SELECT 1 FROM ledger l WHERE ${RUN_ROWS} AND l.id >= (r.created_seq << 32) + max(${KEYFRAME_SEQ}, 0) AND instr(l.state, ?) > 0)
    OR EXISTS (SELECT 1 FROM run_states s WHERE s.run_key = r.created_seq AND s.seq >= ${KEYFRAME_SEQ} AND instr(s.state, ?) > 0))`;

type Row = [
  string, string, RunStatus, WaitReason | null, string | null, string | null, string, string, string | null, number | null, string | null, number, number,
  string | null, string | null, string | null, string | null, string | null, number, string | null, number,
];

/**
 * Paged, filtered, sorted listing for the Studio (the runtime's `listRuns` has no offset, total or
 * text search). Filters use the runs indexes; the text filter scans the saved state text, which
 * stays well under a second at 100,000 runs and is only used while someone types a search.
 */
export class RunIndex {
  constructor(private readonly db: WorkspaceDb) {}

  query(q: RunIndexQuery): { items: RunIndexRow[]; total: number } {
    const runs = q.deleted === 'only' ? null : runFilter(q);
    // A tombstone has no live status, wait or archive: a filter on any of them leaves tombstones out.
    const tombs = (q.deleted ?? 'exclude') === 'exclude' || q.status || q.waitReason || q.archived === 'only' ? null : tombFilter(q);
    const parts: { select: string; from: string; f: Filter }[] = [];
    if (runs) parts.push({ select: ROW_SELECT, from: 'FROM runs r', f: runs });
    if (tombs) parts.push({ select: TOMB_SELECT, from: 'FROM run_tombstones t', f: tombs });
    if (parts.length === 0) return { total: 0, items: [] };
    return this.db.read(() => {
      let total = 0;
      for (const p of parts) total += this.db.stmt(`SELECT count(*) ${p.from} ${p.f.where}`, 'pluck').get(...p.f.params) as number;
      const sql = parts.map((p) => `${p.select} ${p.from} ${p.f.where}`).join(' UNION ALL ');
      const rows = this.db
        .stmt(`${sql} ORDER BY ${ORDER[q.sort ?? 'updated_desc']} LIMIT ? OFFSET ?`, 'raw')
        .all(...parts.flatMap((p) => p.f.params), Math.max(1, q.limit ?? 200), Math.max(0, q.offset ?? 0)) as Row[];
      return { total, items: rows.map(toRow) };
    });
  }

  /** The same row for one run, or null. */
  get(runId: string): RunIndexRow | null {
    const row = this.db.read(() => this.db.stmt(`${ROW_SELECT} FROM runs r WHERE r.run_id = ?`, 'raw').get(runId) as Row | undefined);
    return row ? toRow(row) : null;
  }
}

interface Filter {
  where: string;
  params: unknown[];
}

function runFilter(q: RunIndexQuery): Filter {
  const where: string[] = [];
  const params: unknown[] = [];
  const filters: [string, string | null | undefined][] = [
    ['r.status = ?', q.status],
    ['r.workflow_id = ?', q.workflowId],
    ['r.wait_reason = ?', q.waitReason],
  ];
  for (const [sql, value] of filters) {
    if (!value) continue;
    where.push(sql);
    params.push(value);
  }
  if (q.topLevelOnly) where.push('r.parent_run_id IS NULL');
  if (q.parentRunId) {
    where.push('r.parent_run_id = ?');
    params.push(q.parentRunId);
  }
  if (q.forkOf) {
    where.push('r.forked_from_run_id = ?');
    params.push(q.forkOf);
  }
  if (q.nestForks) {
    // Uses runs' primary key per fork only (most rows have no origin): no cost at 100,000 runs.
    const listed = [q.topLevelOnly ? 'p.parent_run_id IS NULL' : null, q.archived === 'exclude' ? 'p.archived_at IS NULL' : null, q.archived === 'only' ? 'p.archived_at IS NOT NULL' : null];
    const cond = listed.filter((c) => c !== null).map((c) => ` AND ${c}`).join('');
    where.push(`(r.forked_from_run_id IS NULL OR NOT EXISTS (SELECT 1 FROM runs p WHERE p.run_id = r.forked_from_run_id${cond}))`);
  }
  if (q.archived === 'exclude') where.push('r.archived_at IS NULL');
  if (q.archived === 'only') where.push('r.archived_at IS NOT NULL');
  if (q.text) {
    where.push(`(instr(r.run_id, ?) > 0 OR instr(r.workflow_id, ?) > 0 OR ${STATE_HAS_TEXT})`);
    params.push(q.text, q.text, q.text, q.text);
  }
  return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

function tombFilter(q: RunIndexQuery): Filter {
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.workflowId) {
    where.push('t.workflow_id = ?');
    params.push(q.workflowId);
  }
  if (q.topLevelOnly) where.push('t.parent_run_id IS NULL');
  if (q.parentRunId) {
    where.push('t.parent_run_id = ?');
    params.push(q.parentRunId);
  }
  // A tombstone is no fork (its origin is not kept): none is listed among a run's forks.
  if (q.forkOf) where.push('0');
  if (q.text) {
    where.push('(instr(t.run_id, ?) > 0 OR instr(t.workflow_id, ?) > 0)');
    params.push(q.text, q.text);
  }
  return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', params };
}

function toRow(r: Row): RunIndexRow {
  const deletedBy = r[15];
  const tombstone: RunTombstone | null =
    deletedBy === null
      ? null
      : {
          runId: r[0], workflowId: r[1], parentRunId: r[5], finalStatus: r[2], currentNode: r[17] ?? '', createdAt: r[6], updatedAt: r[19] ?? r[7],
          recordCount: r[12], headHash: r[16], deletedAt: r[7], deletedBy,
        };
  return {
    runId: r[0],
    workflowId: r[1],
    status: r[2],
    waitReason: r[3],
    waitUntil: r[4],
    parentRunId: r[5],
    createdAt: r[6],
    updatedAt: r[7],
    forkedFromRunId: r[8],
    forkedFromSeq: r[9],
    forkedFromHeadHash: r[10],
    childCount: r[11],
    ledgerCount: r[12],
    forkCount: r[20],
    archivedAt: r[13],
    archivedBy: r[14],
    tombstone,
  };
}
