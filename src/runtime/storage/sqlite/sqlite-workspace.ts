import { RunIndex } from './run-index';
import { randomUUID } from 'node:crypto';
import { type SqliteChainCheckpointStore, type SqliteKeyRecordStore, type SqliteRecordSignatureSink } from '../../provenance/sqlite/sqlite-provenance-stores';
import { type RunState, type StepRecord } from '../../core/models';
import { formatIsoTimestamp, systemClock, type Clock } from '../../json/timestamp';
import { type ChainReport } from '../../ledger/chain-verifier';
import { Checkpoints, type CheckpointCursor, type CheckpointInfo } from './checkpoints';
import { forkRun } from './fork-run';
import { type WorkspaceForkOptions } from '../fork-plan';
import { appliedMigrations, type AppliedMigration } from './migrations';
import { openWorkspaceDb, type OpenWorkspaceDbOptions } from './open-workspace-db';
import { RunArchive } from './run-archive';
import { RunKeys } from './run-keys';
import { RunLeases, type LeaseHolder } from './run-leases';
import { SqliteArtifactStore } from './sqlite-artifact-store';
import { SqliteRecordWriters } from './sqlite-record-writers';
import { SqliteRunRequests } from './sqlite-run-requests';
import { SqliteLedgerStore } from './sqlite-ledger-store';
import { SqliteRunStore } from './sqlite-run-store';
import { SqliteSnapshotStore } from './sqlite-snapshot-store';
import { StepWriter } from './step-writer';
import { verifyRunChain, type VerifyRunOptions } from './verify-run';
import { type WalWriterCopies } from './wal-checkpointer';
import { type WorkspaceDb } from './workspace-db';
import { uncheckpointedHeads, WorkspaceCheckpointStore, WorkspaceKeyRecordStore, WorkspaceRecordSignatureSink } from './workspace-provenance';

export interface SqliteWorkspaceOptions extends OpenWorkspaceDbOptions {
  /** Time for artifact and snapshot stamps and fork timestamps (tests pin it). */
  clock?: Clock;
  /** Id generator for lease owners and fork genesis steps (uuid4 by default). */
  newId?: () => string;
  /** How long a lease of a holder on another host lasts without renewal (default 60 s). */
  leaseTtlMs?: number;
}

export type { WorkspaceForkOptions } from '../fork-plan';

/** The connection settings in force (for diagnostics and an "about this workspace" view). */
export interface StorageSettings {
  journalMode: string;
  synchronous: 'OFF' | 'NORMAL' | 'FULL' | 'EXTRA';
  foreignKeys: boolean;
  busyTimeoutMs: number;
  /** Who copies the WAL back into the file: the committing thread (SQLite's autocheckpoint) or a worker thread (see wal-checkpointer.ts). */
  walCheckpoints: 'writer' | 'worker' | 'failed';
}

const SYNC_LEVELS = ['OFF', 'NORMAL', 'FULL', 'EXTRA'] as const;

export interface IntegrityReport {
  ok: boolean;
  problems: string[];
}

/**
 * A workspace: one SQLite file holding every run, ledger, checkpoint, artifact and snapshot.
 * Give `runs` and `ledger` to a Runtime and each step commits in one transaction; the runtime also
 * leases each run from `runs` while it works on it, so two processes never tick the same run.
 *
 * Every other process (a crash-test child, a verification worker, an audit CLI) opens the same
 * path with its own `SqliteWorkspace`: WAL lets readers work while one process writes.
 */
export class SqliteWorkspace {
  readonly runs: SqliteRunStore;
  readonly ledger: SqliteLedgerStore;
  readonly artifacts: SqliteArtifactStore;
  readonly snapshots: SqliteSnapshotStore;
  /** Paged, filtered listing for the Studio's runs list. */
  readonly runIndex: RunIndex;
  /** Archive and delete (with a tombstone) of finished runs. */
  readonly archive: RunArchive;
  /** Signed checkpoints of each run's chain head (src/runtime/provenance; give it to a LedgerSigner). */
  readonly chainCheckpoints: SqliteChainCheckpointStore;
  /** Actor keys: public keys, and our own private keys sealed by a protector (give it to a ProtectedKeyStore). */
  readonly actorKeys: SqliteKeyRecordStore;
  /** Per-record signatures into the ledger's `signature` column (a LedgerSigner's opt-in mode). */
  readonly recordSignatures: SqliteRecordSignatureSink;
  /** Answers, events and cancels asked of the process holding a run (src/runtime/requests). */
  readonly requests: SqliteRunRequests;
  /** Who wrote the records copied in from a PostgreSQL workspace (migration 9); this workspace's own name none. */
  readonly recordWriters: SqliteRecordWriters;
  /** This open's lease owner id. */
  readonly ownerId: string;
  private readonly keys: RunKeys;
  private readonly checkpoints: Checkpoints;
  private readonly writer: StepWriter;
  private readonly leases: RunLeases;
  private readonly clock: Clock;
  private readonly newId: () => string;

  private constructor(
    private readonly db: WorkspaceDb,
    options: SqliteWorkspaceOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.newId = options.newId ?? randomUUID;
    this.ownerId = this.newId();
    this.keys = new RunKeys(db);
    this.checkpoints = new Checkpoints(db, this.keys);
    this.writer = new StepWriter(db, this.keys, this.checkpoints);
    this.leases = new RunLeases(db, this.ownerId, options.leaseTtlMs ?? 60_000);
    this.ledger = new SqliteLedgerStore(db, this.writer, this.keys, this.checkpoints);
    this.runs = new SqliteRunStore(db, this.writer, this.keys, this.checkpoints, this.leases, this.ledger);
    this.artifacts = new SqliteArtifactStore(db, this.clock);
    this.snapshots = new SqliteSnapshotStore(db, this.clock);
    this.runIndex = new RunIndex(db);
    this.archive = new RunArchive({ db, keys: this.keys, holder: (runId) => this.leases.holder(runId), forgetRun: () => this.writer.forget() });
    this.requests = new SqliteRunRequests(db);
    this.recordWriters = new SqliteRecordWriters(db);
    this.chainCheckpoints = new WorkspaceCheckpointStore(db);
    this.actorKeys = new WorkspaceKeyRecordStore(db);
    this.recordSignatures = new WorkspaceRecordSignatureSink(db);
  }

  /**
   * Opens the workspace at `path`, creating and migrating it unless `create: false` or
   * `readonly: true`. Throws WORKSPACE_INVALID, WORKSPACE_TOO_NEW or WORKSPACE_CORRUPT (typed
   * errors) for a file it cannot use.
   */
  static open(path: string, options: SqliteWorkspaceOptions = {}): SqliteWorkspace {
    return new SqliteWorkspace(openWorkspaceDb(path, options), options);
  }

  get path(): string {
    return this.db.path;
  }

  get readonly(): boolean {
    return this.db.readonly;
  }

  get closed(): boolean {
    return this.db.isClosed;
  }

  /**
   * SQLite's `PRAGMA data_version` on this connection: it changes exactly when another connection
   * (another process, a manual edit of the file) committed, never for this connection's own
   * writes. Cheap enough to poll, so a host can notice data changed behind its back.
   */
  externalChangeCounter(): number {
    return this.db.stmt('PRAGMA data_version', 'pluck').get() as number;
  }

  get schemaVersion(): number {
    return this.db.read(() => this.db.db.pragma('user_version', { simple: true }) as number);
  }

  storageSettings(): StorageSettings {
    return this.db.read(() => {
      const get = (name: string): unknown => this.db.db.pragma(name, { simple: true });
      return {
        journalMode: String(get('journal_mode')),
        synchronous: SYNC_LEVELS[Number(get('synchronous'))] ?? 'FULL',
        foreignKeys: Number(get('foreign_keys')) === 1,
        busyTimeoutMs: Number(get('busy_timeout')),
        walCheckpoints: this.db.checkpointMode,
      };
    });
  }

  /** How often the committing thread copied the WAL tail itself since open (null without a checkpoint worker): what the benchmarks print. */
  walWriterCopies(): WalWriterCopies | null {
    return this.db.walWriterCopies;
  }

  migrations(): AppliedMigration[] {
    return this.db.read(() => appliedMigrations(this.db.db));
  }

  /**
   * Commits many steps in one transaction, each exactly as `runs.commitStep` would (chained in
   * order, state checkpointed), all or none: for imports and bulk tools. Records get their hashes
   * once the transaction has committed.
   */
  commitSteps(steps: readonly { run: RunState | null; records: readonly StepRecord[] }[]): void {
    let chained: { prevHash: string | null; recordHash: string }[][];
    try {
      chained = this.db.write('commit steps', () => steps.map((s) => this.writer.commitInTransaction(s.run, s.records)));
    } catch (err) {
      this.writer.forget();
      throw err;
    }
    steps.forEach((s, i) =>
      s.records.forEach((r, j) => {
        const c = (chained[i] as { prevHash: string | null; recordHash: string }[])[j];
        r.prevHash = c?.prevHash ?? null;
        r.recordHash = c?.recordHash ?? null;
      }),
    );
  }

  /** Verifies a run's hash chain in pages (bounded memory), reporting progress. */
  verifyRun(runId: string, options: VerifyRunOptions = {}): Promise<ChainReport> {
    return verifyRunChain(this.db, this.keys, runId, options);
  }

  /** The run state as of ledger seq `seq` (the latest checkpoint at or before it), or null. */
  async stateAt(runId: string, seq: number): Promise<RunState | null> {
    return this.checkpoints.stateAt(runId, seq);
  }

  /** The run's latest checkpoint: its current state with the ledger seq it was saved at, or null. */
  async latestCheckpoint(runId: string): Promise<CheckpointInfo | null> {
    return this.checkpoints.latest(runId);
  }

  /** The saved states of a run, in save order (page with `after`: the last one of the previous page). */
  async listCheckpoints(runId: string, options: { after?: CheckpointCursor; limit?: number } = {}): Promise<CheckpointInfo[]> {
    return this.checkpoints.list(runId, options);
  }

  /** A new run from the state of `runId` at `atSeq`, with its origin recorded; returns the new run. */
  async forkRun(options: WorkspaceForkOptions): Promise<RunState> {
    return forkRun(
      { db: this.db, keys: this.keys, checkpoints: this.checkpoints, writer: this.writer },
      {
        runId: options.runId,
        atSeq: options.atSeq,
        newRunId: options.newRunId ?? this.newId(),
        now: options.now ?? formatIsoTimestamp(this.clock.nowMicros()),
        stepId: this.newId(),
        actorId: options.actorId,
        ...(options.edit ? { edit: options.edit } : {}),
      },
    );
  }

  /** Runs whose last record no checkpoint covers yet, with its seq (what a signer checkpoints at start-up). */
  uncheckpointedHeads(): { runId: string; seq: number }[] {
    return uncheckpointedHeads(this.db);
  }

  /** Who holds the lease of a run, or null. */
  leaseHolder(runId: string): LeaseHolder | null {
    return this.leases.holder(runId);
  }

  /**
   * SQLite's own check of the file (`quick_check`, or `integrity_check` with `full`, which also
   * checks every index), plus what the ledger stores besides the hashed text: the idempotency
   * lookup key and where a row is filed (its run key and seq in the rowid). A full scan with a
   * JSON parse per record.
   */
  async checkIntegrity(options: { full?: boolean } = {}): Promise<IntegrityReport> {
    return this.db.read(() => {
      const pragma = options.full ? 'integrity_check' : 'quick_check';
      const rows = this.db.db.pragma(pragma) as Record<string, string>[];
      const problems = rows.map((r) => Object.values(r)[0] ?? '').filter((p) => p !== 'ok');
      if (problems.length === 0) {
        const keys = this.db
          .stmt("SELECT run_id, seq FROM ledger_records WHERE completed_key IS NOT (CASE WHEN status = 'completed' THEN idempotency_key END) LIMIT 100", 'raw')
          .all() as [string, number][];
        for (const [runId, seq] of keys) problems.push(`ledger of run ${runId}, seq ${seq}: the idempotency lookup key disagrees with the record`);
        const misfiled = this.db
          .stmt('SELECT run_id, seq FROM ledger_records WHERE filed_run_id IS NOT run_id OR seq IS NOT (id & 4294967295) LIMIT 100', 'raw')
          .all() as [string | null, number][];
        for (const [runId, seq] of misfiled) problems.push(`ledger of run ${runId}, seq ${seq}: the row is filed under another run or seq than its record says`);
      }
      return { ok: problems.length === 0, problems };
    });
  }

  /** Releases this open's leases and closes the file. Any later call throws WORKSPACE_CLOSED. */
  close(): void {
    if (this.db.isClosed) return;
    try {
      this.leases.releaseAll();
    } finally {
      this.db.close();
    }
  }
}
