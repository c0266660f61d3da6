import { type NewRunRequest, type RunRequest, type RunRequestOutcome, type RunRequestQueue } from '../../requests/run-request';
import { bodyText, fromRow, nowIso, RUN_REQUEST_COLUMNS as COLUMNS, type RunRequestRow as Row } from '../../requests/run-request-rows';
import { InvalidArgumentError } from '../../errors';
import { type WorkspaceDb } from './workspace-db';

/** The request queue of a SQLite workspace (migration 5's `run_requests`). */
export class SqliteRunRequests implements RunRequestQueue {
  constructor(private readonly db: WorkspaceDb) {}

  async submit(request: NewRunRequest): Promise<number> {
    // The table's CHECK (migration 5) knows answers and cancels only: on SQLite the Studio never
    // asks another process to restore a run, it refuses with RUN_LOCKED (act-or-ask.ts).
    if (request.body.kind === 'restore') throw new InvalidArgumentError(`A restore of run ${request.runId} cannot be asked of its holder in a SQLite workspace: restore it once no other process holds it.`, { runId: request.runId });
    return this.db.write('ask the holder of a run', () => {
      const res = this.db
        .stmt('INSERT INTO run_requests (run_id, kind, body, actor_id, requested_by, requested_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(request.runId, request.body.kind, bodyText(request.body), request.actorId, request.requestedBy, nowIso());
      return Number(res.lastInsertRowid);
    });
  }

  async get(id: number): Promise<RunRequest | null> {
    const row = this.db.read(() => this.db.stmt(`SELECT ${COLUMNS} FROM run_requests WHERE id = ?`).get(id) as Row | undefined);
    return row ? fromRow(row) : null;
  }

  async pendingFor(runIds: readonly string[]): Promise<RunRequest[]> {
    return this.withStatus('pending', runIds);
  }

  async takenFor(runIds: readonly string[]): Promise<RunRequest[]> {
    return this.withStatus('taken', runIds);
  }

  private withStatus(status: 'pending' | 'taken', runIds: readonly string[]): RunRequest[] {
    if (runIds.length === 0) return [];
    const rows = this.db.read(() => {
      // The status is spelt out, not bound: only then does SQLite read pending rows through their
      // partial index, however long the history of the queue (taken rows are few: a holder
      // finishes what it takes at once).
      const sql = status === 'pending' ? `SELECT ${COLUMNS} FROM run_requests WHERE status = 'pending' ORDER BY id` : `SELECT ${COLUMNS} FROM run_requests WHERE status = 'taken' ORDER BY id`;
      const all = this.db.stmt(sql).all() as Row[];
      const wanted = new Set(runIds);
      return all.filter((r) => wanted.has(r.run_id));
    });
    return rows.map(fromRow);
  }

  async take(id: number, handledBy: string): Promise<boolean> {
    return this.db.write('take a run request', () => {
      const res = this.db.stmt(`UPDATE run_requests SET status = 'taken', handled_by = ?, handled_at = ? WHERE id = ? AND status = 'pending'`).run(handledBy, nowIso(), id);
      return res.changes === 1;
    });
  }

  async retake(id: number, from: string, to: string): Promise<boolean> {
    return this.db.write('take over a run request', () => {
      const res = this.db.stmt(`UPDATE run_requests SET handled_by = ?, handled_at = ? WHERE id = ? AND status = 'taken' AND handled_by = ?`).run(to, nowIso(), id, from);
      return res.changes === 1;
    });
  }

  async finish(id: number, handledBy: string, outcome: RunRequestOutcome): Promise<boolean> {
    return this.db.write('finish a run request', () => {
      const res =
        'error' in outcome
          ? this.db
              .stmt(`UPDATE run_requests SET status = 'failed', handled_at = ?, error_code = ?, error_message = ? WHERE id = ? AND status = 'taken' AND handled_by = ?`)
              .run(nowIso(), outcome.error.code, outcome.error.message, id, handledBy)
          : this.db
              .stmt(`UPDATE run_requests SET status = 'done', handled_at = ?, run_status = ? WHERE id = ? AND status = 'taken' AND handled_by = ?`)
              .run(nowIso(), outcome.runStatus, id, handledBy);
      return res.changes === 1;
    });
  }

  async withdraw(id: number): Promise<boolean> {
    return this.db.write('withdraw a run request', () => {
      return this.db.stmt(`UPDATE run_requests SET status = 'withdrawn', handled_at = ? WHERE id = ? AND status = 'pending'`).run(nowIso(), id).changes === 1;
    });
  }

  changeCounter(): number {
    return this.db.read(() => this.db.stmt('PRAGMA data_version', 'pluck').get() as number);
  }

  /** SQLite tells no one of a commit: the caller looks again after `ms` (the pragma is cheap). */
  nextChange(_seen: number, ms: number): Promise<void> {
    return new Promise((r) => setTimeout(r, ms));
  }
}
