import { RuntimeError } from '../../errors';
import { type PgDb } from './pg-db';

/** A worker as the registry knows it (migration 2's `workers`). */
export interface WorkerInfo {
  /** Its stable id, `id@host`: what it writes into the ledger's `written_by` and a request's `handled_by`. */
  workerId: string;
  host: string;
  pid: number;
  workflowIds: string[];
  startedAt: Date;
  heartbeatAt: Date;
  expiresAt: Date;
  stoppedAt: Date | null;
  /** Heartbeat not expired and not stopped. */
  live: boolean;
}

export interface WorkerRegistration {
  readonly workerId: string;
  /** Marks the worker stopped (its row stays, so the timeline can still name it) and ends the heartbeat. */
  stop(): Promise<void>;
}

/** Another live process already registered under this worker id. */
export class WorkerIdInUseError extends RuntimeError {
  constructor(readonly workerId: string, pid: number, expiresAt: Date) {
    super(
      'WORKER_ID_IN_USE',
      `Worker id ${workerId} is in use by a live worker (pid ${pid}, heartbeat valid until ${expiresAt.toISOString()}): give this worker another id, or start it once that one has stopped.`,
      { workerId, pid, expiresAt: expiresAt.toISOString() },
    );
  }
}

interface Row {
  worker_id: string;
  host: string;
  pid: number;
  workflow_ids: string[];
  started_at: Date;
  heartbeat_at: Date;
  expires_at: Date;
  stopped_at: Date | null;
  live: boolean;
}

const COLUMNS = `worker_id, host, pid, workflow_ids, started_at, heartbeat_at, expires_at, stopped_at,
  (stopped_at IS NULL AND expires_at > clock_timestamp()) AS live`;

// A dead, stopped or own row may be registered over; a live one of another process may not.
const REGISTER_SQL = `INSERT INTO $S.workers AS w (worker_id, host, pid, owner_id, workflow_ids, started_at, heartbeat_at, expires_at, stopped_at)
  VALUES ($1, $2, $3, $4, $5::text[], clock_timestamp(), clock_timestamp(), clock_timestamp() + $6 * interval '1 millisecond', NULL)
  ON CONFLICT (worker_id) DO UPDATE SET host = excluded.host, pid = excluded.pid, owner_id = excluded.owner_id, workflow_ids = excluded.workflow_ids,
    started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at, expires_at = excluded.expires_at, stopped_at = NULL
  WHERE w.owner_id = excluded.owner_id OR w.stopped_at IS NOT NULL OR w.expires_at <= clock_timestamp()
  RETURNING worker_id`;
const HEARTBEAT_SQL = `UPDATE $S.workers SET heartbeat_at = clock_timestamp(), expires_at = clock_timestamp() + $3 * interval '1 millisecond'
  WHERE worker_id = $1 AND owner_id = $2 AND stopped_at IS NULL`;
const STOP_SQL = `UPDATE $S.workers SET stopped_at = clock_timestamp(), expires_at = clock_timestamp() WHERE worker_id = $1 AND owner_id = $2`;

const fromRow = (r: Row): WorkerInfo => ({
  workerId: r.worker_id,
  host: r.host,
  pid: r.pid,
  workflowIds: r.workflow_ids,
  startedAt: r.started_at,
  heartbeatAt: r.heartbeat_at,
  expiresAt: r.expires_at,
  stoppedAt: r.stopped_at,
  live: r.live,
});

/**
 * The workspace's registry of worker processes: each registers its id, host and workflows and
 * heartbeats (every third of its TTL), so an asker can tell whether any live worker can serve a
 * run's workflow before waiting on one, and the timeline can name the worker behind a record.
 * Liveness is the database's clock against the heartbeat's expiry, as for leases.
 */
export class PgWorkers {
  constructor(
    private readonly db: PgDb,
    /** The lease owner id of this open: a registration belongs to it. */
    private readonly ownerId: string,
  ) {}

  /** Registers a worker and heartbeats until `stop`; throws WORKER_ID_IN_USE when a live process has the id. */
  async register(options: { workerId: string; host: string; pid: number; workflowIds: readonly string[]; ttlMs: number }): Promise<WorkerRegistration> {
    const { workerId, ttlMs } = options;
    const rows = await this.db.query(REGISTER_SQL, [workerId, options.host, options.pid, this.ownerId, [...options.workflowIds], ttlMs]);
    if (rows.length === 0) {
      const other = await this.get(workerId);
      throw new WorkerIdInUseError(workerId, other?.pid ?? 0, other?.expiresAt ?? new Date());
    }
    const timer = setInterval(() => {
      if (this.db.isClosed) return clearInterval(timer); // closed without stopping: dead to others once the row expires
      // A missed beat is retried at the next; a worker that misses them all is dead to others.
      this.db.query(HEARTBEAT_SQL, [workerId, this.ownerId, ttlMs]).catch(() => undefined);
    }, Math.max(50, Math.floor(ttlMs / 3)));
    timer.unref();
    let stopped = false;
    return {
      workerId,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        clearInterval(timer);
        if (!this.db.isClosed) await this.db.query(STOP_SQL, [workerId, this.ownerId]);
      },
    };
  }

  async get(workerId: string): Promise<WorkerInfo | null> {
    const rows = await this.db.query<Row>(`SELECT ${COLUMNS} FROM $S.workers WHERE worker_id = $1`, [workerId]);
    return rows[0] ? fromRow(rows[0]) : null;
  }

  /** Live workers, oldest first; with `workflowId`, only those that can run it. */
  async live(workflowId?: string): Promise<WorkerInfo[]> {
    const rows = workflowId
      ? await this.db.query<Row>(`SELECT ${COLUMNS} FROM $S.workers WHERE stopped_at IS NULL AND expires_at > clock_timestamp() AND $1 = ANY(workflow_ids) ORDER BY started_at, worker_id`, [workflowId])
      : await this.db.query<Row>(`SELECT ${COLUMNS} FROM $S.workers WHERE stopped_at IS NULL AND expires_at > clock_timestamp() ORDER BY started_at, worker_id`);
    return rows.map(fromRow);
  }

  /** Every worker ever registered (live, stopped or dead), for naming the writers of old records. */
  async all(): Promise<WorkerInfo[]> {
    return (await this.db.query<Row>(`SELECT ${COLUMNS} FROM $S.workers ORDER BY started_at, worker_id`)).map(fromRow);
  }
}
