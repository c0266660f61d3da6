import { type RunStatus } from '../../core/enums';
import { UnknownRunError } from '../../errors';
import { hasChildrenReason, notFinishedReason, RunNotDeletableError, type RunTombstone } from '../sqlite/run-archive';
import { type PgDb, type PgQuery } from './pg-db';
import { decodeRunStateText } from './pg-state-codec';

interface TombRow {
  run_id: string;
  workflow_id: string;
  parent_run_id: string | null;
  final_status: RunStatus;
  current_node: string;
  created_at: string;
  updated_at: string;
  record_count: number;
  head_hash: string | null;
  deleted_at: string;
  deleted_by: string;
}

export const PG_TOMBSTONE_COLUMNS = 'run_id, workflow_id, parent_run_id, final_status, current_node, created_at, updated_at, record_count, head_hash, deleted_at, deleted_by';

export function pgToTombstone(r: TombRow): RunTombstone {
  return {
    runId: r.run_id, workflowId: r.workflow_id, parentRunId: r.parent_run_id, finalStatus: r.final_status, currentNode: r.current_node,
    createdAt: r.created_at, updatedAt: r.updated_at, recordCount: r.record_count, headHash: r.head_hash, deletedAt: r.deleted_at, deletedBy: r.deleted_by,
  };
}

interface RunRow {
  created_seq: string;
  workflow_id: string;
  status: RunStatus;
  parent_run_id: string | null;
  created_at: string;
  updated_at: string;
  state: string;
}

/**
 * Archive (hide from the default list, keep everything) and delete (drop the data, keep a
 * tombstone) of finished runs in a PostgreSQL workspace, with the SQLite workspace's semantics
 * (sqlite/run-archive.ts) and its refusals. Here many processes share the workspace, so a delete
 * also waits for no one: it locks the run row and its lease row, and refuses a run a live worker
 * holds; migration 7's triggers then keep any late writer from bringing the run back.
 */
export class PgRunArchive {
  constructor(private readonly db: PgDb) {}

  /** Archives (or, with `archived: false`, restores to the list) one run. Returns false for an unknown run. */
  async setArchived(runId: string, archived: boolean, actorId: string, now: string): Promise<boolean> {
    const rows = archived
      ? await this.db.query('UPDATE $S.runs SET archived_at = $2, archived_by = $3 WHERE run_id = $1 RETURNING run_id', [runId, now, actorId])
      : await this.db.query('UPDATE $S.runs SET archived_at = NULL, archived_by = NULL WHERE run_id = $1 RETURNING run_id', [runId]);
    return rows.length > 0;
  }

  /** Every tombstone, in the order the runs were created. */
  async tombstones(): Promise<RunTombstone[]> {
    return (await this.db.query<TombRow>(`SELECT ${PG_TOMBSTONE_COLUMNS} FROM $S.run_tombstones ORDER BY created_seq`)).map(pgToTombstone);
  }

  /**
   * Writes a tombstone as another workspace keeps it (`studio copy`), ordered after every run
   * created so far (its creation number comes from the runs' own sequence). Refused for a run this
   * workspace holds.
   */
  async keepTombstone(t: RunTombstone): Promise<void> {
    await this.db.tx(async (q) => {
      if ((await q.query('SELECT 1 FROM $S.runs WHERE run_id = $1', [t.runId])).length > 0) {
        throw new RunNotDeletableError(t.runId, 'this workspace holds the run itself, so it cannot take its tombstone');
      }
      await q.query(
        `INSERT INTO $S.run_tombstones (created_seq, ${PG_TOMBSTONE_COLUMNS})
         VALUES (nextval(pg_get_serial_sequence('$S.runs', 'created_seq')), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [t.runId, t.workflowId, t.parentRunId, t.finalStatus, t.currentNode, t.createdAt, t.updatedAt, t.recordCount, t.headHash, t.deletedAt, t.deletedBy],
      );
    });
  }

  async tombstone(runId: string): Promise<RunTombstone | null> {
    const [row] = await this.db.query<TombRow>(`SELECT ${PG_TOMBSTONE_COLUMNS} FROM $S.run_tombstones WHERE run_id = $1`, [runId]);
    return row ? pgToTombstone(row) : null;
  }

  /**
   * Deletes a finished run's records, saved states, snapshots, artifacts, trace links and chain
   * head, and leaves its tombstone, in one transaction. Refused (RUN_NOT_DELETABLE, nothing
   * changed) for a run not finished, leased by a live worker, or with child runs; UNKNOWN_RUN for
   * a run the workspace does not hold. Its signed checkpoints and run requests stay: both are
   * traces of what was signed and asked (as on SQLite, checkpoints are kept); an open request is
   * failed with RUN_DELETED.
   */
  async delete(runId: string, actorId: string, now: string): Promise<RunTombstone> {
    return this.db.tx(async (q) => {
      // Locked first: a worker's commit of the run (it updates this row) waits for the delete, then finds no run.
      const [run] = await q.query<RunRow>(
        'SELECT created_seq, workflow_id, status, parent_run_id, created_at, updated_at, state FROM $S.runs WHERE run_id = $1 FOR UPDATE',
        [runId],
      );
      if (!run) throw new UnknownRunError(runId);
      await refuseUndeletable(q, runId, run.status);
      const [head] = await q.query<{ seq: number; record_hash: string | null }>('SELECT seq, record_hash FROM $S.heads WHERE run_id = $1 FOR UPDATE', [runId]);
      const t: RunTombstone = {
        runId, workflowId: run.workflow_id, parentRunId: run.parent_run_id, finalStatus: run.status, currentNode: decodeRunStateText(run.state, `${this.db.name} run ${runId}`).currentNode,
        createdAt: run.created_at, updatedAt: run.updated_at, recordCount: head ? head.seq + 1 : 0, headHash: head && head.seq >= 0 ? head.record_hash : null,
        deletedAt: now, deletedBy: actorId,
      };
      await q.query(
        `INSERT INTO $S.run_tombstones (created_seq, ${PG_TOMBSTONE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [run.created_seq, t.runId, t.workflowId, t.parentRunId, t.finalStatus, t.currentNode, t.createdAt, t.updatedAt, t.recordCount, t.headHash, t.deletedAt, t.deletedBy],
      );
      await dropRunData(q, runId);
      // Asked of the run and not yet carried out: no worker ever will, so the askers hear why now.
      await q.query(
        `UPDATE $S.run_requests SET status = 'failed', handled_by = $2, handled_at = $3, error_code = 'RUN_DELETED', error_message = $4
         WHERE run_id = $1 AND status IN ('pending', 'taken')`,
        [runId, actorId, now, `Run ${runId} was deleted by ${actorId} at ${now} before this request was carried out.`],
      );
      return t;
    });
  }
}

/** Inside the delete's transaction, with the run row locked: not finished, leased by a live holder, or a parent. */
async function refuseUndeletable(q: PgQuery, runId: string, status: string): Promise<void> {
  const unfinished = notFinishedReason(status);
  if (unfinished) throw new RunNotDeletableError(runId, unfinished);
  // FOR UPDATE: a takeover of the lease (or a step's fence, FOR SHARE) waits until the delete is done.
  const [lease] = await q.query<{ holder: string; live: boolean }>('SELECT holder, expires_at > clock_timestamp() AS live FROM $S.leases WHERE run_id = $1 FOR UPDATE', [runId]);
  if (lease?.live) throw new RunNotDeletableError(runId, `${lease.holder} holds it right now. Try again once it lets go.`);
  const [kids] = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM $S.runs WHERE parent_run_id = $1', [runId]);
  if ((kids?.n ?? 0) > 0) throw new RunNotDeletableError(runId, hasChildrenReason(kids!.n));
}

/** Everything of the run but its tombstone, checkpoints and requests; a blob goes only when no other artifact points at it. */
async function dropRunData(q: PgQuery, runId: string): Promise<void> {
  for (const table of ['ledger', 'run_states', 'record_traces', 'snapshots', 'heads', 'leases']) {
    await q.query(`DELETE FROM $S.${table} WHERE run_id = $1`, [runId]);
  }
  const blobs = await q.query<{ sha256: string }>('DELETE FROM $S.artifacts WHERE run_id = $1 RETURNING sha256', [runId]);
  const shas = [...new Set(blobs.map((b) => b.sha256))];
  if (shas.length > 0) {
    await q.query('DELETE FROM $S.blobs b WHERE b.sha256 = ANY($1::text[]) AND NOT EXISTS (SELECT 1 FROM $S.artifacts a WHERE a.sha256 = b.sha256)', [shas]);
  }
  await q.query('DELETE FROM $S.runs WHERE run_id = $1', [runId]);
}
