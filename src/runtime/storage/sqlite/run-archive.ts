import { RunStatus } from '../../core/enums';
import { type RunState } from '../../core/models';
import { RuntimeError, UnknownRunError } from '../../errors';
import { type LeaseHolder } from './run-leases';
import { type RunKeys } from './run-keys';
import { type WorkspaceDb } from './workspace-db';

/** What is left of a deleted run (schema-v7): enough to say what it was and where its chain ended. */
export interface RunTombstone {
  runId: string;
  workflowId: string;
  parentRunId: string | null;
  finalStatus: RunStatus;
  currentNode: string;
  createdAt: string;
  updatedAt: string;
  recordCount: number;
  /** record_hash of its last ledger record (null: it had none). */
  headHash: string | null;
  deletedAt: string;
  deletedBy: string;
}

export interface RunArchiveDeps {
  db: WorkspaceDb;
  keys: RunKeys;
  holder(runId: string): LeaseHolder | null;
  /** Drops the writer's per-run memory (delta trackers) once the run's states are gone. */
  forgetRun(): void;
}

/** The statuses of a run that may be deleted. */
const FINISHED: ReadonlySet<string> = new Set([RunStatus.COMPLETED, RunStatus.FAILED, RunStatus.CANCELLED]);

/** Why a run of `status` is not deleted, or null when it is finished. */
export function notFinishedReason(status: string): string | null {
  return FINISHED.has(status) ? null : `it is ${status}. Cancel it first, or wait until it finishes.`;
}

export const hasChildrenReason = (children: number): string => `it has ${children} child run(s). Delete them first.`;

export class RunNotDeletableError extends RuntimeError {
  constructor(readonly runId: string, why: string) {
    super('RUN_NOT_DELETABLE', `Run ${runId} was not deleted: ${why}`, { runId });
  }
}

export class RunDeletedError extends RuntimeError {
  constructor(readonly tombstone: RunTombstone) {
    super(
      'RUN_DELETED',
      `Run ${tombstone.runId} (${tombstone.workflowId}) was deleted by ${tombstone.deletedBy} at ${tombstone.deletedAt}; its tombstone keeps ${tombstone.recordCount} records' head hash ${tombstone.headHash ?? '(no records)'}.`,
      { runId: tombstone.runId, tombstone },
    );
  }
}

type TombstoneRow = [string, string, string | null, RunStatus, string, string, string, number, string | null, string, string];
const TOMBSTONE_SELECT = `SELECT run_id, workflow_id, parent_run_id, final_status, current_node, created_at, updated_at, record_count, head_hash, deleted_at, deleted_by FROM run_tombstones`;

export function toTombstone(r: TombstoneRow): RunTombstone {
  return {
    runId: r[0], workflowId: r[1], parentRunId: r[2], finalStatus: r[3], currentNode: r[4], createdAt: r[5], updatedAt: r[6],
    recordCount: r[7], headHash: r[8], deletedAt: r[9], deletedBy: r[10],
  };
}

/**
 * Archive (hide from the default list, keep everything) and delete (drop the data, keep a
 * tombstone) of finished runs. Each is one transaction; a delete writes its tombstone before any
 * row goes, and the ledger's delete trigger refuses rows of a run without one.
 */
export class RunArchive {
  constructor(private readonly deps: RunArchiveDeps) {}

  /** Archives (or, with `archived: false`, restores to the list) one run. Returns false for an unknown run. */
  setArchived(runId: string, archived: boolean, actorId: string, now: string): boolean {
    const { db } = this.deps;
    return db.write(archived ? 'archive a run' : 'unarchive a run', () => {
      const info = archived
        ? db.stmt('UPDATE runs SET archived_at = ?, archived_by = ? WHERE run_id = ?').run(now, actorId, runId)
        : db.stmt('UPDATE runs SET archived_at = NULL, archived_by = NULL WHERE run_id = ?').run(runId);
      return info.changes > 0;
    });
  }

  /** Every tombstone, in the order the runs were created. */
  tombstones(): RunTombstone[] {
    const { db } = this.deps;
    return db.read(() => (db.stmt(`${TOMBSTONE_SELECT} ORDER BY run_key`, 'raw').all() as TombstoneRow[]).map(toTombstone));
  }

  /**
   * Writes a tombstone as another workspace keeps it (`studio copy`): what is left of a run deleted
   * there. Refused for a run this workspace holds (its data would sit under a tombstone).
   */
  keepTombstone(t: RunTombstone): void {
    const { db, keys } = this.deps;
    db.write('keep a tombstone', () => {
      if (db.stmt('SELECT 1 FROM runs WHERE run_id = ?', 'pluck').get(t.runId) !== undefined) {
        throw new RunNotDeletableError(t.runId, 'this workspace holds the run itself, so it cannot take its tombstone');
      }
      const key = keys.ensure(t.runId);
      db.stmt(
        `INSERT INTO run_tombstones (run_id, run_key, workflow_id, parent_run_id, final_status, current_node, created_at, updated_at, record_count, head_hash, deleted_at, deleted_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(t.runId, key, t.workflowId, t.parentRunId, t.finalStatus, t.currentNode, t.createdAt, t.updatedAt, t.recordCount, t.headHash, t.deletedAt, t.deletedBy);
    });
  }

  tombstone(runId: string): RunTombstone | null {
    const { db } = this.deps;
    const row = db.read(() => db.stmt(`${TOMBSTONE_SELECT} WHERE run_id = ?`, 'raw').get(runId) as TombstoneRow | undefined);
    return row ? toTombstone(row) : null;
  }

  /**
   * Deletes a finished run's records, states, snapshots and artifacts and leaves its tombstone.
   * Refused (RUN_NOT_DELETABLE, nothing changed) for a run not finished, held by a live process,
   * or with child runs (their parent link would point at nothing).
   */
  delete(run: RunState, actorId: string, now: string): RunTombstone {
    const { db, keys } = this.deps;
    const unfinished = notFinishedReason(run.status);
    if (unfinished) throw new RunNotDeletableError(run.runId, unfinished);
    const holder = this.deps.holder(run.runId);
    if (holder?.live) throw new RunNotDeletableError(run.runId, `process ${holder.pid} on ${holder.host} holds it right now. Try again once it lets go.`);
    const tomb = db.write('delete a run', () => {
      const key = keys.find(run.runId);
      const row = db.stmt('SELECT created_seq, status, created_at, updated_at, parent_run_id FROM runs WHERE run_id = ?').get(run.runId) as
        | { created_seq: number; status: string; created_at: string; updated_at: string; parent_run_id: string | null }
        | undefined;
      if (!row || key === null) throw new UnknownRunError(run.runId);
      // Read again inside the transaction: the run may have moved since it was loaded.
      const moved = notFinishedReason(row.status);
      if (moved) throw new RunNotDeletableError(run.runId, moved);
      const children = db.stmt('SELECT count(*) FROM runs WHERE parent_run_id = ?', 'pluck').get(run.runId) as number;
      if (children > 0) throw new RunNotDeletableError(run.runId, hasChildrenReason(children));
      const lo = key * 2 ** 32;
      const head = db.stmt('SELECT seq, record_hash FROM ledger WHERE id >= ? AND id < ? ORDER BY id DESC LIMIT 1').get(lo, lo + 2 ** 32) as { seq: number; record_hash: string } | undefined;
      const t: RunTombstone = {
        runId: run.runId, workflowId: run.workflowId, parentRunId: row.parent_run_id, finalStatus: row.status as RunStatus, currentNode: run.currentNode,
        createdAt: row.created_at, updatedAt: row.updated_at, recordCount: head ? head.seq + 1 : 0, headHash: head?.record_hash ?? null, deletedAt: now, deletedBy: actorId,
      };
      db.stmt(
        `INSERT INTO run_tombstones (run_id, run_key, workflow_id, parent_run_id, final_status, current_node, created_at, updated_at, record_count, head_hash, deleted_at, deleted_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(t.runId, key, t.workflowId, t.parentRunId, t.finalStatus, t.currentNode, t.createdAt, t.updatedAt, t.recordCount, t.headHash, t.deletedAt, t.deletedBy);
      db.stmt('DELETE FROM ledger WHERE id >= ? AND id < ?').run(lo, lo + 2 ** 32);
      db.stmt('DELETE FROM run_states WHERE run_key = ?').run(key);
      db.stmt('DELETE FROM record_traces WHERE run_id = ?').run(run.runId);
      db.stmt('DELETE FROM record_writers WHERE run_id = ?').run(run.runId);
      db.stmt('DELETE FROM snapshots WHERE run_id = ?').run(run.runId);
      const blobs = db.stmt('SELECT DISTINCT sha256 FROM artifacts WHERE run_id = ?', 'pluck').all(run.runId) as string[];
      db.stmt('DELETE FROM artifacts WHERE run_id = ?').run(run.runId);
      // A blob is stored once per content: it goes only when no other artifact still points at it.
      for (const sha of blobs) {
        if (db.stmt('SELECT 1 FROM artifacts WHERE sha256 = ? LIMIT 1', 'pluck').get(sha) !== undefined) continue;
        db.stmt('DELETE FROM blob_chunks WHERE sha256 = ?').run(sha);
        db.stmt('DELETE FROM blobs WHERE sha256 = ?').run(sha);
      }
      db.stmt('DELETE FROM runs WHERE created_seq = ?').run(row.created_seq);
      return t;
    });
    this.deps.forgetRun();
    return tomb;
  }
}
