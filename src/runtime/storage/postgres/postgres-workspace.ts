import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { formatIsoTimestamp, systemClock, type Clock } from '../../json/timestamp';
import { type ChainReport } from '../../ledger/chain-verifier';
import { PgArtifactStore } from './pg-artifact-store';
import { PgDb } from './pg-db';
import { PgWorkspaceInvalidError, PgWorkspaceTooNewError, redactUrl, translatePgError } from './pg-errors';
import { PgLeases } from './pg-leases';
import { changeChannel, PgNotifications, requestChannel, type RunChange } from './pg-notifications';
import { PgRunRequests } from './pg-run-requests';
import { PgWorkers } from './pg-workers';
import { PgLedgerStore } from './pg-ledger-store';
import { migrate, PG_LATEST_SCHEMA_VERSION } from './pg-migrations';
import { PgRecordWriters } from './pg-record-writers';
import { PgRunArchive } from './pg-run-archive';
import { PgRunIndex } from './pg-run-index';
import { PgRunStore } from './pg-run-store';
import { PgSnapshotStore } from './pg-snapshot-store';
import { verifyPgRun, type PgVerifyOptions } from './pg-verify-run';
import { PgStateHistory } from './pg-state-history';
import { PgChainCheckpointStore, PgKeyRecordStore, PgRecordSignatureSink, pgUncheckpointedHeads } from './pg-provenance-stores';
import { type RunState, type StepRecord } from '../../core/models';
import { InvalidArgumentError, UnknownRunError } from '../../errors';
import { checkForkRequest, planFork, type WorkspaceForkOptions } from '../fork-plan';
import { type KeyframePolicy } from '../state-delta';
import { type CheckpointCursor, type CheckpointInfo } from '../sqlite/checkpoints';
import { defaultWriterName, PgStepWriter, type PgForkOrigin } from './pg-step-writer';

export interface PostgresWorkspaceOptions {
  /** The workspace's schema (one database holds many workspaces); else the URL's `?schema=`, else "abstractruntime". */
  schema?: string;
  /** Who writes: `worker-id@host`, stored with every ledger record (default `pid-<pid>@<host>`). */
  writer?: string;
  /** How long a lease lasts without renewal (default 30 s; renewed every third of it). */
  leaseTtlMs?: number;
  /** Connections in the pool (default 4). */
  poolSize?: number;
  clock?: Clock;
  newId?: () => string;
  /** When a saved state is written in full rather than as a delta (default: the state-delta codec's). */
  keyframes?: KeyframePolicy;
}

/** What a workspace's schema may be called: plain lower-case, so it needs no quoting anywhere. */
export const PG_SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
export const DEFAULT_PG_SCHEMA = 'abstractruntime';

/** Splits `?schema=` off the URL (the driver must not see it) and checks the URL is PostgreSQL's. */
export function parseWorkspaceUrl(url: string, schemaOption: string | undefined): { connectionString: string; schema: string; password: string | null; name: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new PgWorkspaceInvalidError(redactUrl(url), 'it is not a URL (expected postgres://user:password@host:port/database)');
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new PgWorkspaceInvalidError(redactUrl(url), `the scheme is ${u.protocol} (expected postgres:)`);
  }
  const schema = schemaOption ?? u.searchParams.get('schema') ?? DEFAULT_PG_SCHEMA;
  u.searchParams.delete('schema');
  const password = u.password ? decodeURIComponent(u.password) : null;
  const name = redactUrl(url);
  if (!PG_SCHEMA_NAME.test(schema)) throw new PgWorkspaceInvalidError(name, `the schema name "${schema}" is not lower-case letters, digits and _ (at most 63)`);
  return { connectionString: u.toString(), schema, password, name };
}

/**
 * A workspace in a PostgreSQL schema: runs, ledger, artifacts and snapshots behind the same store
 * interfaces as the SQLite workspace, for many processes on many machines. Give `runs` and
 * `ledger` to a Runtime: each step commits in one transaction with the chain head advanced
 * inside it, and each run is leased (with a fencing token) while a process works on it.
 */
export class PostgresWorkspace {
  readonly runs: PgRunStore;
  readonly ledger: PgLedgerStore;
  readonly artifacts: PgArtifactStore;
  readonly snapshots: PgSnapshotStore;
  /** The Studio's runs list: paged, filtered, with totals and counts. */
  readonly runIndex: PgRunIndex;
  /** Archive and delete (with tombstones) of finished runs, as in a SQLite workspace. */
  readonly archive: PgRunArchive;
  /** Who wrote each record (`ledger.written_by`). */
  readonly recordWriters: PgRecordWriters;
  /** Signed checkpoints of each run's chain head (src/runtime/provenance; give it to a LedgerSigner). */
  readonly chainCheckpoints: PgChainCheckpointStore;
  /** Actor keys: public keys, and our own private keys sealed by a protector (give it to a ProtectedKeyStore). */
  readonly actorKeys: PgKeyRecordStore;
  /** Per-record signatures into the ledger's `signature` column (a LedgerSigner's opt-in mode). */
  readonly recordSignatures: PgRecordSignatureSink;
  /** This open's lease owner id. */
  readonly ownerId: string;
  /** What this open writes into every ledger row's `written_by`. */
  readonly writer: string;
  readonly leases: PgLeases;
  /** Answers, events and cancels asked of the holder of a run: the same queue as a SQLite workspace's, served by workers (src/runtime/requests). */
  readonly requests: PgRunRequests;
  /** The worker processes of this workspace: who is alive, on which host, with which workflows. */
  readonly workers: PgWorkers;
  private readonly steps: PgStepWriter;
  private readonly history: PgStateHistory;
  private readonly notifications: PgNotifications;
  private readonly newId: () => string;
  private readonly clock: Clock;

  private constructor(
    private readonly db: PgDb,
    options: PostgresWorkspaceOptions,
  ) {
    const newId = options.newId ?? randomUUID;
    this.newId = newId;
    this.clock = options.clock ?? systemClock;
    this.ownerId = newId();
    this.writer = options.writer ?? defaultWriterName();
    this.leases = new PgLeases(db, this.ownerId, this.writer, options.leaseTtlMs ?? 30_000);
    const channel = changeChannel(db.schema);
    this.history = new PgStateHistory(db, options.keyframes);
    this.steps = new PgStepWriter(db, this.leases, this.writer, channel, this.history);
    this.notifications = new PgNotifications(db.pool.options, channel, requestChannel(db.schema));
    this.requests = new PgRunRequests(db, requestChannel(db.schema), this.notifications);
    this.workers = new PgWorkers(db, this.ownerId);
    this.ledger = new PgLedgerStore(db, this.steps);
    this.runs = new PgRunStore(db, this.steps, this.leases, this.ledger);
    this.artifacts = new PgArtifactStore(db, options.clock ?? systemClock);
    this.snapshots = new PgSnapshotStore(db, options.clock ?? systemClock);
    this.runIndex = new PgRunIndex(db);
    this.archive = new PgRunArchive(db);
    this.recordWriters = new PgRecordWriters(db);
    this.chainCheckpoints = new PgChainCheckpointStore(db);
    this.actorKeys = new PgKeyRecordStore(db);
    this.recordSignatures = new PgRecordSignatureSink(db);
  }

  /**
   * Connects, creates the schema if needed and applies any missing migrations. Throws
   * WORKSPACE_INVALID (bad URL or schema name), WORKSPACE_TOO_NEW, or STORE_ERROR (server
   * unreachable, bad credentials), never with the password in the message.
   */
  static async open(url: string, options: PostgresWorkspaceOptions = {}): Promise<PostgresWorkspace> {
    const { connectionString, schema, password, name } = parseWorkspaceUrl(url, options.schema);
    // No JIT: the runs list's count over 100,000 runs is estimated dear enough to be compiled, and
    // compiling it took ~360 ms of a query that runs in ~30 ms. Every query here is a short one.
    const pool = new pg.Pool({ connectionString, max: options.poolSize ?? 4, options: '-c jit=off' });
    const db = new PgDb(pool, schema, `${name} (schema ${schema})`, password);
    try {
      const client = await pool.connect();
      try {
        await migrate(client, schema, (v) => new PgWorkspaceTooNewError(db.name, v, PG_LATEST_SCHEMA_VERSION));
      } finally {
        client.release();
      }
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw translatePgError(err, db.name, password);
    }
    return new PostgresWorkspace(db, options);
  }

  /** The URL without its password, and the schema. */
  get name(): string {
    return this.db.name;
  }

  get schema(): string {
    return this.db.schema;
  }

  get closed(): boolean {
    return this.db.isClosed;
  }

  async schemaVersion(): Promise<number> {
    return (await this.db.query<{ v: number }>('SELECT max(version) AS v FROM $S.schema_migrations'))[0]?.v ?? 0;
  }

  /** Verifies a run's hash chain as stored, page by page (with `after`: from a head verified before). */
  async verifyRun(runId: string, options: PgVerifyOptions = {}): Promise<ChainReport> {
    return verifyPgRun(this.db, runId, options);
  }

  /** The run state as of ledger seq `seq` (the latest saved at or before it), or null. */
  async stateAt(runId: string, seq: number): Promise<RunState | null> {
    return this.history.stateAt(runId, seq);
  }

  /** The run's latest saved state with the ledger seq it was saved at, or null. */
  async latestCheckpoint(runId: string): Promise<CheckpointInfo | null> {
    return this.history.latest(runId);
  }

  /** The run's saved states in save order, after `after`, at most `limit` (default 1000). */
  async listCheckpoints(runId: string, options: { after?: CheckpointCursor; limit?: number } = {}): Promise<CheckpointInfo[]> {
    return this.history.list(runId, options);
  }

  /**
   * Commits many steps in one transaction, each exactly as `runs.commitStep` would (a fork origin
   * is written with a run's first row), all or none: for imports and `studio copy`.
   */
  async commitSteps(steps: readonly { run: RunState | null; records: readonly StepRecord[]; origin?: PgForkOrigin | null }[]): Promise<void> {
    await this.steps.commitMany(steps);
  }

  /**
   * Creates a new run from the state `runId` had at ledger seq `atSeq`, exactly as the SQLite
   * workspace does (fork-plan.ts: origin columns, and a genesis record under the fork's chain). It
   * writes data only and runs no workflow code: the fork is runnable, and the workers drive it.
   * The parent's records and states are never rewritten, so reading them outside the commit's
   * transaction sees what it would inside.
   */
  async forkRun(options: WorkspaceForkOptions): Promise<RunState> {
    const o = { ...options, newRunId: options.newRunId ?? this.newId(), now: options.now ?? formatIsoTimestamp(this.clock.nowMicros()), stepId: this.newId() };
    checkForkRequest(o);
    const exists = async (id: string): Promise<boolean> => (await this.db.query('SELECT 1 FROM $S.runs WHERE run_id = $1', [id])).length > 0;
    if (!(await exists(o.runId))) throw new UnknownRunError(o.runId);
    if (await exists(o.newRunId)) throw new InvalidArgumentError(`Cannot fork into ${o.newRunId}: a run with that id exists.`, { runId: o.newRunId });
    let headHash: string | null = null;
    if (o.atSeq >= 0) {
      const [row] = await this.db.query<{ record_hash: string }>('SELECT record_hash FROM $S.ledger WHERE run_id = $1 AND seq = $2', [o.runId, Math.min(o.atSeq, 2_147_483_647)]);
      if (!row) throw new InvalidArgumentError(`Run ${o.runId} has no ledger record with seq ${o.atSeq}.`, { runId: o.runId, seq: o.atSeq });
      headHash = row.record_hash;
    }
    const source = await this.history.stateAt(o.runId, o.atSeq);
    if (!source) throw new InvalidArgumentError(`Run ${o.runId} has no saved state at or before seq ${o.atSeq}.`, { runId: o.runId, seq: o.atSeq });
    const { run, genesis, origin } = planFork(source, o, headHash);
    await this.steps.commit(run, [genesis], origin);
    return run;
  }

  /** True when the schema holds no run, record, artifact, snapshot, key, checkpoint or tombstone. */
  async isEmpty(): Promise<boolean> {
    const tables = ['runs', 'heads', 'artifacts', 'snapshots', 'actor_keys', 'chain_checkpoints', 'run_tombstones'];
    const [row] = await this.db.query<{ used: boolean }>(`SELECT ${tables.map((t) => `EXISTS (SELECT 1 FROM $S.${t})`).join(' OR ')} AS used`);
    return row?.used !== true;
  }

  /** Runs whose last record no checkpoint covers yet, with its seq (what a signer checkpoints at start-up). */
  async uncheckpointedHeads(): Promise<{ runId: string; seq: number }[]> {
    return pgUncheckpointedHeads(this.db);
  }


  /**
   * Calls `listener` after every commit (by any process) that changed a run: LISTEN/NOTIFY over a
   * connection of its own. A hint, not a log: after a lost connection some are missed, so keep a
   * slow poll too. Returns the unsubscribe function.
   */
  onRunChange(listener: (change: RunChange) => void): Promise<() => void> {
    return this.notifications.subscribe(listener);
  }

  /** The lease TTL of this open (a worker's heartbeat uses the same). */
  get leaseTtlMs(): number {
    return this.leases.ttlMs;
  }

  /** Who holds the lease of a run (live or expired), or null. */
  async leaseHolder(runId: string): Promise<{ holder: string; token: number; expiresAt: Date; live: boolean } | null> {
    const [row] = await this.db.query<{ holder: string; token: string; expires_at: Date; live: boolean }>(
      'SELECT holder, token, expires_at, expires_at > clock_timestamp() AS live FROM $S.leases WHERE run_id = $1',
      [runId],
    );
    return row ? { holder: row.holder, token: Number(row.token), expiresAt: row.expires_at, live: row.live } : null;
  }

  /** Gives back this open's leases and closes its connections. Any later call throws WORKSPACE_CLOSED. */
  async close(): Promise<void> {
    if (this.db.isClosed) return;
    try {
      await this.steps.flushNotes().catch(() => undefined); // a hint: the Studio's poll reads what it would have named
      await this.notifications.close();
      await this.leases.releaseAll();
    } finally {
      await this.db.close();
    }
  }
}
