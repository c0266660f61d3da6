import { pauseOf, type ActorFingerprint, type ArtifactStore, type RunRequestBody, type RunState, type SnapshotStore, type StepRecord } from '../../../runtime/index';
import { PG_LATEST_SCHEMA_VERSION, PgWorkspaceStoreError, PgWorkspaceTooNewError, PostgresWorkspace, probePgSchema } from '../../../runtime/storage/postgres/index';
import { StudioError } from '../../../shared/contract/errors';
import { type RunIndexQuery, type RunIndexRow, type WorkspaceForkOptions } from '../../../runtime/storage/sqlite/index';
import { type ActorName, type RunDetail, type RunVisits, type WorkflowInfo, type WorkspaceInfo } from '../../../shared/contract/domain';
import { type KeyProtector } from '../../../runtime/provenance/index';
import { askPgWorkers } from '../run-requests/ask-workers';
import { LazyExportSigning, type ExportSigning } from '../signing/export-signing';
import { RunVisitReader } from '../run-visit-reader';
import { PostgresLive } from './postgres-live';
import { attachedName, type AttachUrl } from './postgres-url';
import { type ReadSession, type SessionChainReport, type VerifiedHead } from './session';
import { type AskCapability, type AskedOutcome, type BundleCapability, type ChildIndexCapability, type LiveCapability, type LiveChange, type SessionCapabilities } from './session-capabilities';

export interface PostgresSessionOptions {
  url: AttachUrl;
  password: string | null;
  /** The Studio's user: named on the requests it records, and by name on the timeline. */
  user: ActorFingerprint;
  /** Seals the Studio's key kept in the workspace (used to sign an exported run's head). */
  keyProtector?: KeyProtector;
  /** How long an answer waits for a worker to carry it out. */
  askTimeoutMs?: number;
  pollMs?: number;
}

/**
 * A Studio attached to a PostgreSQL workspace that workers drive (`studio worker`): the same
 * screens as a SQLite workspace (runs, ledgers, verification, artifacts, snapshots), live through
 * LISTEN/NOTIFY. It runs no workflow code: answers, events and cancels are recorded as run
 * requests that a worker carries out (the ledger names the person as actor and the worker in
 * `result.via`), and so are restores to a snapshot; bookmarks and forks are data, written here
 * (a fork is then driven by the workers); what only a driver can do (step, continue, start, pause)
 * is refused.
 */
export class PostgresSession implements ReadSession, AskCapability, LiveCapability, ChildIndexCapability, BundleCapability {
  readonly capabilities: SessionCapabilities = {
    control: null, drive: null, keys: null, childIndex: this, ask: this, live: this, bundle: this,
    // Kept in the workspace: a delete is refused for a run a live worker holds, and no worker writes a deleted run again.
    archive: {
      setArchived: (runId, archived, actorId, now) => this.ws.archive.setArchived(runId, archived, actorId, now),
      deleteRun: (run, actorId, now) => this.ws.archive.delete(run.runId, actorId, now),
      tombstone: (runId) => this.ws.archive.tombstone(runId),
    },
  };
  readonly refusal: string;
  /** Runs whose state says paused (another process paused them): `isPaused` is synchronous. */
  private readonly pausedIds = new Set<string>();
  private readonly visits = new RunVisitReader();
  private readonly signing: LazyExportSigning;

  private constructor(
    readonly ws: PostgresWorkspace,
    readonly info: WorkspaceInfo,
    private readonly live: PostgresLive,
    private readonly o: PostgresSessionOptions,
  ) {
    this.signing = new LazyExportSigning(ws, o.keyProtector ?? null);
    this.refusal = `${info.name} is a PostgreSQL workspace that its workers drive: this Studio runs no workflow code, so it cannot start, step, continue or pause runs, or change settings, here. Answers, events, cancels and restores are recorded for the workers to carry out; bookmarks and forks are written here and the workers drive the forks.`;
  }

  /** Connects (typed errors: WORKSPACE_INVALID, WORKSPACE_TOO_NEW, STORE_ERROR; never with the password) and starts listening. */
  static async open(o: PostgresSessionOptions): Promise<PostgresSession> {
    await PostgresSession.check(o);
    const ws = await PostgresWorkspace.open(o.url.withPassword(o.password), { writer: `studio-${process.pid}`, poolSize: 4 });
    const live = new PostgresLive(ws, o.pollMs);
    try {
      await live.start();
    } catch (e) {
      live.close();
      await ws.close();
      throw e;
    }
    const info: WorkspaceInfo = {
      id: o.url.shown,
      name: attachedName(o.url.shown),
      path: o.url.shown,
      kind: 'postgres',
      layout: 'PostgreSQL workspace: its workers run the workflows',
      readOnly: false,
      workflowDirs: [],
      loadErrors: [],
    };
    return new PostgresSession(ws, info, live, o);
  }

  /**
   * The schema must hold a workspace of exactly this version, looked at before anything is
   * written: opening never creates a workspace (a mistyped schema would become an empty one) nor
   * migrates one its workers may not be ready for.
   */
  private static async check(o: PostgresSessionOptions): Promise<void> {
    const shown = new URL(o.url.shown);
    const schema = shown.searchParams.get('schema') ?? '';
    const connect = new URL(o.url.withPassword(o.password));
    connect.searchParams.delete('schema');
    const probe = await probePgSchema(connect.toString(), schema, o.url.shown, o.password).catch((e: unknown) => {
      throw withAdvice(e, shown.host);
    });
    if (!probe.exists) {
      throw new StudioError('NOT_FOUND', `There is no AbstractRuntime workspace in schema "${schema}" of ${o.url.shown}. Check the schema name (?schema=…), or start a worker on it first: workers create the workspace.`, { schema });
    }
    if (probe.version > PG_LATEST_SCHEMA_VERSION) throw new PgWorkspaceTooNewError(o.url.shown, probe.version, PG_LATEST_SCHEMA_VERSION);
    if (probe.version < PG_LATEST_SCHEMA_VERSION) {
      throw new StudioError('WORKSPACE_TOO_OLD', `${o.url.shown} has schema version ${probe.version}, older than this Studio's (${PG_LATEST_SCHEMA_VERSION}). Start a worker of this version on it (it brings the schema up to date), then open it again.`, {
        schemaVersion: probe.version,
        supportedVersion: PG_LATEST_SCHEMA_VERSION,
      });
    }
  }

  get artifacts(): ArtifactStore {
    return this.ws.artifacts;
  }

  /** A run's bundle is read from the workspace's stores, as from a SQLite workspace's. */
  get bundleSource(): PostgresWorkspace {
    return this.ws;
  }
  /** No folder of its own: a bundle goes where the person chooses. */
  readonly exportsDir = null;
  /** The Studio's own key, unlocked at the first export: it checkpoints the run's head (as data, like a bookmark) and seals the bundle. */
  exportSigning(): Promise<ExportSigning | { problem: string }> {
    return this.signing.get();
  }
  get snapshots(): SnapshotStore {
    return this.ws.snapshots;
  }

  /** The workflows are the workers' code, never loaded here. */
  workflows(): WorkflowInfo[] {
    return [];
  }

  async queryRuns(q: RunIndexQuery): Promise<{ items: RunIndexRow[]; total: number }> {
    const out = await this.ws.runIndex.query(q);
    return out;
  }
  runRow(runId: string): Promise<RunIndexRow | null> {
    return this.ws.runIndex.get(runId);
  }
  async loadRun(runId: string): Promise<RunState | null> {
    const run = await this.ws.runs.load(runId);
    if (run && pauseOf(run)) this.pausedIds.add(runId);
    else this.pausedIds.delete(runId);
    return run;
  }
  async ledgerPage(runId: string, fromSeq: number, limit: number): Promise<Array<{ seq: number; record: StepRecord }>> {
    return this.ws.ledger.readLedgerPage(runId, { fromSeq, limit });
  }
  async ledgerCount(runId: string): Promise<number> {
    return ((await this.ws.ledger.ledgerHead(runId))?.seq ?? -1) + 1;
  }
  verify(runId: string, onProgress: (done: number, total: number) => void, after?: VerifiedHead): Promise<SessionChainReport> {
    return this.ws.verifyRun(runId, { onProgress, after });
  }
  /** The workspace keeps each run's current state only: earlier states are unknown. */
  /** Time travel from the workspace's per-step states (deltas with keyframes), as on SQLite. */
  async stateAt(runId: string, seq: number): Promise<RunState | null> {
    return this.ws.stateAt(runId, seq);
  }
  async readArtifactChunk(artifactId: string, offset: number, length: number): Promise<Uint8Array | null> {
    const a = await this.ws.artifacts.load(artifactId);
    return a ? a.content.subarray(offset, offset + length) : null;
  }
  isPaused(runId: string): boolean {
    return this.pausedIds.has(runId);
  }
  breakpointsOf(): string[] {
    return [];
  }
  forksOf(runId: string): Promise<Array<{ runId: string; seq: number | null; createdAt: string }>> {
    return this.ws.runIndex.forksOf(runId);
  }
  async childrenOf(parentRunId: string): Promise<RunDetail['children']> {
    return (await this.ws.runs.listChildren({ parentRunId })).map((k) => ({ runId: k.runId, workflowId: k.workflowId, status: k.status }));
  }
  /**
   * Constant: the ledger is append-only and each change is announced as records and states (see
   * PostgresLive), so a verified head stays verified and verification continues from it.
   */
  externalChangeCounter(): number | null {
    return this.ws.closed ? null : 0;
  }
  /** The path from the per-step saved states, read on from where the last count stopped (they are append-only). */
  async visitsOf(runId: string): Promise<RunVisits | null> {
    return this.visits.read(this.ws, runId, null);
  }
  /** The Studio's user by name (the workers sign nothing here, so no keys are kept). */
  async actorNames(): Promise<ActorName[]> {
    const u = this.o.user;
    return u.displayName ? [{ actorId: u.actorId, kind: u.kind, displayName: u.displayName }] : [];
  }

  ask(runId: string, body: RunRequestBody, actorId: string): Promise<AskedOutcome> {
    return askPgWorkers(this.ws, runId, body, actorId, this.o.askTimeoutMs);
  }

  async liveWorkers(): Promise<Array<{ workerId: string; workflowIds: string[] }>> {
    return (await this.ws.workers.live()).map((w) => ({ workerId: w.workerId, workflowIds: [...w.workflowIds] }));
  }

  fork(options: WorkspaceForkOptions): Promise<RunState> {
    return this.ws.forkRun(options);
  }

  subscribe(listener: (change: LiveChange) => void): () => void {
    return this.live.subscribe(listener);
  }
  async headSeq(runId: string): Promise<number | null> {
    return (await this.ws.ledger.ledgerHead(runId))?.seq ?? null;
  }
  /** Until what was notified so far is announced (tests). */
  settled(): Promise<void> {
    return this.live.settled();
  }

  async close(): Promise<void> {
    this.live.close();
    await this.live.settled().catch(() => undefined);
    await this.signing.close().catch(() => undefined);
    await this.ws.close();
  }
}

/**
 * A connection failure with what to check, by its SQLSTATE. A code that is no SQLSTATE (five
 * characters) is the socket's (ECONNREFUSED, ENOTFOUND, ETIMEDOUT): the server was not reached.
 */
function withAdvice(e: unknown, host: string): unknown {
  if (!(e instanceof PgWorkspaceStoreError)) return e;
  const advice =
    e.sqlState === null || !/^[0-9A-Z]{5}$/.test(e.sqlState)
      ? `Is a PostgreSQL server running at ${host}, reachable from the machine running the Studio backend?`
      : e.sqlState === '28P01' || e.sqlState === '28000'
        ? 'Check the user name and password in the URL.'
        : e.sqlState === '3D000'
          ? 'Check the database name in the URL.'
          : null;
  return advice ? new PgWorkspaceStoreError(e.workspace, `${e.message.slice(e.workspace.length + 2)}. ${advice}`, e.sqlState) : e;
}
