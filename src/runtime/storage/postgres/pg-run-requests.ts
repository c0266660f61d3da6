import { type NewRunRequest, type RunRequest, type RunRequestOutcome, type RunRequestQueue } from '../../requests/run-request';
import { bodyText, fromRow, nowIso, RUN_REQUEST_COLUMNS as COLUMNS, type RunRequestRow } from '../../requests/run-request-rows';
import { type PgDb } from './pg-db';
import { type PgNotifications } from './pg-notifications';

// Every write is one statement that changes the row only from the status it expects and, for a
// row it changed, sends the NOTIFY (delivered on commit): a transition that lost changes nothing
// and tells no one. `$1` is the channel.
const notifying = (update: string): string =>
  `WITH u AS (${update} RETURNING id, run_id, status)
   SELECT u.id, pg_notify($1, json_build_object('id', u.id, 'runId', u.run_id, 'status', u.status)::text) FROM u`;

const SUBMIT_SQL = notifying(
  'INSERT INTO $S.run_requests (run_id, kind, body, actor_id, requested_by, requested_at) VALUES ($2, $3, $4, $5, $6, $7)',
);
const TAKE_SQL = notifying(`UPDATE $S.run_requests SET status = 'taken', handled_by = $3, handled_at = $4 WHERE id = $2 AND status = 'pending'`);
const RETAKE_SQL = notifying(`UPDATE $S.run_requests SET handled_by = $4, handled_at = $5 WHERE id = $2 AND status = 'taken' AND handled_by = $3`);
const DONE_SQL = notifying(
  `UPDATE $S.run_requests SET status = 'done', handled_at = $4, run_status = $5 WHERE id = $2 AND status = 'taken' AND handled_by = $3`,
);
const FAILED_SQL = notifying(
  `UPDATE $S.run_requests SET status = 'failed', handled_at = $4, error_code = $5, error_message = $6 WHERE id = $2 AND status = 'taken' AND handled_by = $3`,
);
const WITHDRAW_SQL = notifying(`UPDATE $S.run_requests SET status = 'withdrawn', handled_at = $3 WHERE id = $2 AND status = 'pending'`);

/**
 * The request queue of a PostgreSQL workspace (migration 2's `run_requests`): the same queue as
 * the SQLite workspace's, for workers on many machines. Holders and askers hear of each write at
 * once through LISTEN/NOTIFY on the workspace's request channel; while that connection is down,
 * `changeCounter` changes at every call, so whoever relies on it falls back on looking.
 */
export class PgRunRequests implements RunRequestQueue {
  /** Notifications heard (and reconnections, which may have missed some). */
  private bumps = 0;
  /** Looks taken while not listening: each is a change, counted apart so it never wakes a waiter. */
  private blind = 0;
  private listening: Promise<unknown> | null = null;
  private readonly waiters = new Set<() => void>();

  constructor(
    private readonly db: PgDb,
    private readonly channel: string,
    private readonly notifications: PgNotifications,
  ) {}

  async submit(request: NewRunRequest): Promise<number> {
    const b = request.body;
    const rows = await this.db.query<{ id: string }>(SUBMIT_SQL, [this.channel, request.runId, b.kind, bodyText(b), request.actorId, request.requestedBy, nowIso()]);
    return Number(rows[0]!.id);
  }

  async get(id: number): Promise<RunRequest | null> {
    const rows = await this.db.query<RunRequestRow>(`SELECT ${COLUMNS} FROM $S.run_requests WHERE id = $1`, [id]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  async pendingFor(runIds: readonly string[]): Promise<RunRequest[]> {
    if (runIds.length === 0) return [];
    // The status is spelt out so the partial index serves it.
    const rows = await this.db.query<RunRequestRow>(`SELECT ${COLUMNS} FROM $S.run_requests WHERE status = 'pending' AND run_id = ANY($1::text[]) ORDER BY id`, [runIds]);
    return rows.map(fromRow);
  }

  async takenFor(runIds: readonly string[]): Promise<RunRequest[]> {
    if (runIds.length === 0) return [];
    const rows = await this.db.query<RunRequestRow>(`SELECT ${COLUMNS} FROM $S.run_requests WHERE status = 'taken' AND run_id = ANY($1::text[]) ORDER BY id`, [runIds]);
    return rows.map(fromRow);
  }

  /** `takenFor` and `pendingFor` in one round trip (a worker looks at both before it drives a run). */
  async openFor(runIds: readonly string[]): Promise<{ taken: RunRequest[]; pending: RunRequest[] }> {
    if (runIds.length === 0) return { taken: [], pending: [] };
    // Each branch through its own partial index, as in the two.
    const rows = await this.db.query<RunRequestRow>(
      `SELECT * FROM (SELECT ${COLUMNS} FROM $S.run_requests WHERE status = 'taken' AND run_id = ANY($1::text[])
         UNION ALL SELECT ${COLUMNS} FROM $S.run_requests WHERE status = 'pending' AND run_id = ANY($1::text[])) o ORDER BY id`,
      [runIds],
    );
    const all = rows.map(fromRow);
    return { taken: all.filter((r) => r.status === 'taken'), pending: all.filter((r) => r.status === 'pending') };
  }

  /** Run ids with pending requests, oldest request first: what a worker looks at for runs nobody holds. */
  async pendingRunIds(limit: number): Promise<string[]> {
    const rows = await this.db.query<{ run_id: string }>(
      `SELECT run_id FROM $S.run_requests WHERE status = 'pending' GROUP BY run_id ORDER BY min(id) LIMIT $1`,
      [Math.max(0, limit)],
    );
    return rows.map((r) => r.run_id);
  }

  async take(id: number, handledBy: string): Promise<boolean> {
    return (await this.db.query(TAKE_SQL, [this.channel, id, handledBy, nowIso()])).length === 1;
  }

  async retake(id: number, from: string, to: string): Promise<boolean> {
    return (await this.db.query(RETAKE_SQL, [this.channel, id, from, to, nowIso()])).length === 1;
  }

  async finish(id: number, handledBy: string, outcome: RunRequestOutcome): Promise<boolean> {
    const rows =
      'error' in outcome
        ? await this.db.query(FAILED_SQL, [this.channel, id, handledBy, nowIso(), outcome.error.code, outcome.error.message])
        : await this.db.query(DONE_SQL, [this.channel, id, handledBy, nowIso(), outcome.runStatus]);
    return rows.length === 1;
  }

  async withdraw(id: number): Promise<boolean> {
    return (await this.db.query(WITHDRAW_SQL, [this.channel, id, nowIso()])).length === 1;
  }

  changeCounter(): number {
    this.listen();
    // Not listening (yet, or the connection dropped): every look may have missed something, so
    // every call is a change (negative, never equal to a heard count).
    return this.notifications.connected ? this.bumps : -++this.blind;
  }

  nextChange(seen: number, ms: number): Promise<void> {
    this.listen();
    // Heard something since `seen`: look now. Not listening: only the poll is left, so wait `ms`.
    if (this.notifications.connected && seen !== this.bumps) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }

  /**
   * Hears of every write to the queue (by any process) with what it changed; the same
   * notifications move `changeCounter`. Returns the unsubscribe function.
   */
  onChange(listener: (change: { id: number; runId: string; status: string }) => void): Promise<() => void> {
    return this.notifications.subscribeRequests(listener);
  }

  /** Subscribes once, on first use: a workspace whose queue nobody uses opens no LISTEN connection for it. */
  private listen(): void {
    if (this.listening || this.db.isClosed) return;
    this.listening = this.notifications
      .subscribeRequests(
        () => this.bump(),
        // Back after a drop: what was written meanwhile was never heard, so count it as a change.
        () => this.bump(),
      )
      .catch(() => {
        this.listening = null; // looked at again on the next call; meanwhile every call counts as a change
      });
  }

  private bump(): void {
    this.bumps++;
    for (const w of [...this.waiters]) w();
  }
}
