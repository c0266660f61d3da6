import { type PgDb } from './pg-db';
import { type RunChange } from './pg-notifications';

/** How long the notification of a step that changes nothing a worker reacts to may wait for the next ones of its run. */
export const QUIET_NOTE_WINDOW_MS = 100;

/** The statement that sends the quiet changes of a window (one autocommit transaction of its own). */
export const QUIET_NOTES_SQL = 'SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p /* quiet steps */';

/**
 * Which of a commit's notifications go out inside it, and which wait a little to go out together.
 *
 * A NOTIFY costs more than its bytes: PostgreSQL serialises the commits of every transaction that
 * notifies under one database-wide lock held through the commit's WAL flush, so writers that each
 * notify per step commit one flush at a time instead of sharing flushes (group commit), and a
 * step loop pays the queue write every step. Most steps of a driven run tell nobody anything they
 * act on: a run still `running` under its writer's lease cannot be claimed (workers ignore it,
 * see postgres-worker.ts) and only an attached Studio wants its new records, which it reads from
 * the head the notification names, however many steps that head is past the last one it read.
 *
 * So such a "quiet" change, when this writer announced the run less than the window ago, is not
 * sent in its commit: the newest quiet change of each run is sent by one statement at the end of
 * the window (its head covers every record of the steps in between), so a Studio hears of them
 * within the window, and a loop of steps sends about one notification per run per window instead
 * of one per step. Every other change (a status a worker acts on, a run not leased, a wait with a
 * time, records of another run) goes out in its commit as before, and supersedes a quiet one of
 * the same run still waiting. A notification is only ever a hint (the Studio's slow poll reads
 * what any was missed for), and a quiet one is never dropped: close() sends what waits.
 */
export class PgChangeNotes {
  /** When this writer last announced each run (ms, performance clock). */
  private readonly lastSent = new Map<string, number>();
  /** The newest quiet change of each run, not sent yet. */
  private readonly waiting = new Map<string, RunChange>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly db: Pick<PgDb, 'query' | 'isClosed'>,
    private readonly channel: string,
    private readonly windowMs = QUIET_NOTE_WINDOW_MS,
  ) {}

  /** The changes to send in the commit (the others wait: pass both to `committed` once it committed). */
  split(changes: readonly RunChange[]): { now: RunChange[]; later: RunChange[] } {
    const now: RunChange[] = [];
    const later: RunChange[] = [];
    const t = performance.now();
    for (const c of changes) {
      const sent = this.lastSent.get(c.runId);
      if (quiet(c) && sent !== undefined && t - sent < this.windowMs) later.push(c);
      else now.push(c);
    }
    return { now, later };
  }

  /** After the commit: `now` went out with it; `later` waits for the end of the window. */
  committed(now: readonly RunChange[], later: readonly RunChange[]): void {
    const t = performance.now();
    for (const c of now) {
      this.lastSent.set(c.runId, t);
      this.waiting.delete(c.runId); // this one's head is newer
    }
    for (const c of later) this.waiting.set(c.runId, c);
    if (this.lastSent.size > 10_000) this.forgetOld(t);
    if (this.waiting.size > 0 && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        void this.flush().catch(() => undefined); // a hint lost: the Studio's poll reads it
      }, this.windowMs);
      this.timer.unref();
    }
  }

  /** Sends every change still waiting (at the end of a window, and on close). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing.catch(() => undefined);
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.waiting.size === 0 || this.db.isClosed) return;
    const changes = [...this.waiting.values()];
    this.waiting.clear();
    const t = performance.now();
    for (const c of changes) this.lastSent.set(c.runId, t);
    this.flushing = this.db
      .query(QUIET_NOTES_SQL, [this.channel, changes.map((c) => JSON.stringify(c))])
      .then(() => undefined)
      .finally(() => (this.flushing = null));
    await this.flushing;
  }

  private forgetOld(t: number): void {
    for (const [id, at] of this.lastSent) if (t - at >= this.windowMs && !this.waiting.has(id)) this.lastSent.delete(id);
  }
}

/** A change no worker acts on: the run still running under its writer's lease (see the worker's onRunChange). */
function quiet(c: RunChange): boolean {
  return c.status === 'running' && c.leased === true && c.until === null;
}
