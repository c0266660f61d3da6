/**
 * What an open source can do beyond reading, asked of the session instead of testing its class:
 * each capability is an object, or null where the source cannot. A SQLite workspace opened for
 * writing has them all; a Python data folder or store, an audit bundle, and a workspace opened
 * for inspection (damaged, unwritable, untrusted code) have none, and the service refuses their
 * changes with one READ_ONLY message (`control` in service-context.ts).
 */
import { type Runtime, type RunRequestBody, type RunState, type Scheduler, type StepRecord, type WorkflowRegistry } from '../../../runtime/index';
import { type ActorKey } from '../../../runtime/provenance/index';
import { type RunTombstone, type SqliteWorkspace, type WorkspaceForkOptions } from '../../../runtime/storage/sqlite/index';
import { type RunDetail } from '../../../shared/contract/domain';
import { type SecretStore } from '../secret-store';
import { type ExportSigning } from '../signing/export-signing';
import { type RunBundleSource } from '../signing/run-bundle';
import { type SessionSigning } from '../signing/session-signing';
import { type WorkflowCatalog } from '../workflow-catalog';
import { type WorkspaceConfig } from '../workspace-config';
import { type RunDriver } from './run-driver';
import { type ReadSession } from './session';
import { type WorkspaceEffects } from './workspace-effects';

/** Runs are driven here: the debugger's driver and the scheduler over this process's runtime. */
export interface DriveCapability {
  readonly runtime: Runtime;
  readonly driver: RunDriver;
  readonly scheduler: Scheduler;
}

/** Everything the Studio changes: start, step, answer, cancel, snapshot, restore, fork, settings, export. */
export interface ControlCapability extends ReadSession, DriveCapability {
  readonly ws: SqliteWorkspace;
  readonly registry: WorkflowRegistry;
  /** The loaded workflows and the version each run is pinned to. */
  readonly catalog: WorkflowCatalog;
  readonly effects: WorkspaceEffects;
  readonly secrets: SecretStore;
  /** Signs the ledgers (null when no key could be unlocked: see `signingProblem`). */
  readonly signing: SessionSigning | null;
  readonly signingProblem: string | null;
  readonly settings: WorkspaceConfig;
  updateSettings(next: WorkspaceConfig): Promise<void>;
}

/** The source keeps its owner's public keys: the ones trusted when a bundle is opened from it. */
export interface KeysCapability {
  trustedKeys(): Promise<ActorKey[]>;
}

/** A run's children straight from the source's run index (else they are found by listing every run). */
export interface ChildIndexCapability {
  childrenOf(parentRunId: string): Promise<RunDetail['children']>;
}

/** What another process carried out for a person who asked through this Studio. */
export interface AskedOutcome {
  run: RunState;
  /** The process that carried it out (`worker-id@host`), when it says. */
  carriedOutBy: string | null;
}

/**
 * Runs here are moved by other processes (the workers of a PostgreSQL workspace), never by this
 * Studio, which runs no workflow code: what a person decides (an answer, an event, a cancel) is
 * recorded as a run request for them, and everything that only a driver could do is refused.
 */
export interface AskCapability {
  /** Why stepping, continuing, starting or pausing is refused here, in words. */
  readonly refusal: string;
  /** Records the request and waits until a worker carried it out (its typed refusal is thrown). */
  ask(runId: string, body: RunRequestBody, actorId: string): Promise<AskedOutcome>;
  /** The workers alive now (heartbeat not expired), by id, with the workflows each can run. */
  liveWorkers(): Promise<Array<{ workerId: string; workflowIds: string[] }>>;
  /** Writes a fork (data only: no workflow code runs here); the workers drive it. */
  fork(options: WorkspaceForkOptions): Promise<RunState>;
}

/** Records of one run committed by someone else, with the seq of the last, and the run's state after it. */
export interface LiveChange {
  runId: string;
  records: StepRecord[];
  lastSeq: number | null;
  run: RunState | null;
}

/** The source tells what other processes commit (LISTEN/NOTIFY, with a slow poll behind it). */
export interface LiveCapability {
  subscribe(listener: (change: LiveChange) => void): () => void;
  /** The seq of the run's last stored record, or null when it has none. */
  headSeq(runId: string): Promise<number | null>;
}

/**
 * The source keeps archive flags and tombstones of deleted runs: a SQLite workspace, or a
 * PostgreSQL one (its workers never drive a deleted run; a run a worker holds is not deleted).
 */
export interface ArchiveCapability {
  /** False for an unknown run. */
  setArchived(runId: string, archived: boolean, actorId: string, now: string): Promise<boolean>;
  /** Deletes a finished run's data and leaves its tombstone; refused with RUN_NOT_DELETABLE (nothing changed). */
  deleteRun(run: RunState, actorId: string, now: string): Promise<RunTombstone>;
  tombstone(runId: string): Promise<RunTombstone | null>;
}

/** Runs are exported from here as audit bundles (docs/audit-bundle.md): the same format from SQLite and PostgreSQL. */
export interface BundleCapability {
  /** The stores the bundle is read from. */
  readonly bundleSource: RunBundleSource;
  /**
   * The folder whose `exports/` "into the workspace" writes to, or null where the source has no
   * folder (a PostgreSQL workspace): the bundle then goes where the person chooses.
   */
  readonly exportsDir: string | null;
  /** What checkpoints the run's head before the export and seals the bundle, or why nothing does here. */
  exportSigning(): Promise<ExportSigning | { problem: string }>;
}

export interface SessionCapabilities {
  readonly control: ControlCapability | null;
  readonly drive: DriveCapability | null;
  readonly keys: KeysCapability | null;
  readonly childIndex: ChildIndexCapability | null;
  readonly ask: AskCapability | null;
  readonly live: LiveCapability | null;
  readonly archive: ArchiveCapability | null;
  readonly bundle: BundleCapability | null;
}

/** A source that is read, never changed. */
export const READ_ONLY_CAPABILITIES: SessionCapabilities = Object.freeze({ control: null, drive: null, keys: null, childIndex: null, ask: null, live: null, archive: null, bundle: null });
