import { basename, dirname } from 'node:path';
import { Runtime, Scheduler, type WorkflowRegistry, type ActorFingerprint, type RunState } from '../../../runtime/index';
import { type ActorKey, type KeyProtector } from '../../../runtime/provenance/index';
import { SqliteWorkspace } from '../../../runtime/storage/sqlite/index';
import { type RunStop } from '../../../shared/contract/run-stop';
import { type RunDetail, type RunWorkflowVersion, type WorkflowInfo, type WorkspaceInfo } from '../../../shared/contract/domain';
import { type SecretStore } from '../secret-store';
import { isKeyUnavailable } from '../signing/actor-signing-key';
import { type ExportSigning } from '../signing/export-signing';
import { SessionSigning } from '../signing/session-signing';
import { loadWorkflowFolders } from '../workflow-loader';
import { WorkflowCatalog } from '../workflow-catalog';
import { WorkflowFolderWatch } from '../workflow-folder-watch';
import { WorkspaceEffects } from './workspace-effects';
import { readWorkspaceConfig, writeWorkspaceConfig, type WorkspaceConfig } from '../workspace-config';
import { RunDriver, type DriverState } from './run-driver';
import { settleFinishedChild } from './settle-child';
import { heldElsewhere } from '../run-requests/act-or-ask';
import { type ReadSession } from './session';
import { SqliteWorkspaceReads } from './sqlite-workspace-reads';
import { type BundleCapability, type ChildIndexCapability, type ControlCapability, type KeysCapability, type SessionCapabilities } from './session-capabilities';

export interface SqliteSessionOptions {
  path: string;
  secrets: SecretStore;
  /** Folders of workflow modules loaded in addition to the workspace's own list (the demos). */
  extraWorkflowDirs: string[];
  create: boolean;
  onDriveError: (runId: string, error: unknown) => void;
  /** Seals the signing keys kept in the workspace (the OS keychain, a passphrase, or none). */
  keyProtector: KeyProtector;
  /** The Studio's user, whose key attests the user's answers and cancels. */
  user: ActorFingerprint;
  /** A module changed on disk and the workflows were reloaded (or failed to: see `info.loadErrors`). */
  onWorkflowsChanged?: (info: WorkspaceInfo, workflows: WorkflowInfo[]) => void;
}

/** How many runs' start versions the workspace's settings keep (the newest; older runs just say nothing). */
const RECORDED_VERSIONS = 5000;

/**
 * An open SQLite workspace: the runtime and scheduler over it, the workflows its modules define,
 * and the debugger's driver. Everything the Studio can change goes through here.
 */
export class SqliteSession extends SqliteWorkspaceReads implements ReadSession, ControlCapability, KeysCapability, ChildIndexCapability, BundleCapability {
  /** A writable workspace can do everything: it drives, changes, holds keys and indexes children. */
  readonly capabilities: SessionCapabilities = {
    control: this, drive: this, keys: this, childIndex: this, ask: null, live: null, bundle: this,
    archive: {
      setArchived: async (runId, archived, actorId, now) => this.ws.archive.setArchived(runId, archived, actorId, now),
      deleteRun: async (run, actorId, now) => {
        // A drive of this process may still be saving its last step: the delete waits until they stand still.
        const t = await this.driver.whileHalted(async () => this.ws.archive.delete(run, actorId, now));
        this.driver.forget(run.runId);
        return t;
      },
      tombstone: async (runId) => this.ws.archive.tombstone(runId),
    },
  };
  /** The loaded workflows and the version each run started with. */
  readonly catalog: WorkflowCatalog;
  readonly runtime: Runtime;
  readonly scheduler: Scheduler;
  readonly driver: RunDriver;
  private persistTimer: ReturnType<typeof setTimeout> | null = null;
  /** Signs the ledgers (null when no key could be unlocked: see `signingProblem`). */
  signing: SessionSigning | null = null;
  /** Why nothing is signed in this session, in words, or null. */
  signingProblem: string | null = null;

  get bundleSource(): SqliteWorkspace {
    return this.ws;
  }
  /** Bundles go to `exports/` beside the workspace file. */
  get exportsDir(): string {
    return dirname(this.ws.path);
  }
  /** The session's signer (it signs as the runs go), when a key could be unlocked. */
  async exportSigning(): Promise<ExportSigning | { problem: string }> {
    return this.signing ?? { problem: this.signingProblem ?? 'Runs in this workspace are not signed in this session.' };
  }

  private constructor(
    ws: SqliteWorkspace,
    readonly info: WorkspaceInfo,
    private config: WorkspaceConfig,
    readonly effects: WorkspaceEffects,
    readonly secrets: SecretStore,
    onDriveError: (runId: string, error: unknown) => void,
    private readonly onWorkflowsChanged: SqliteSessionOptions['onWorkflowsChanged'] = undefined,
  ) {
    super(ws);
    this.catalog = new WorkflowCatalog(new Map(Object.entries(config.runVersions)), (runId, version) => this.recordVersion(runId, version), (runId) => this.effects.pinTools(runId));
    this.runtime = new Runtime({
      runStore: ws.runs,
      ledgerStore: ws.ledger,
      artifactStore: ws.artifacts,
      workflowRegistry: this.registry,
      effectHandlers: { llm_call: effects.llmHandler, tool_calls: effects.toolsHandler },
      // A child run ticked inside its parent's node obeys the debugger too (its Pause, its breakpoints).
      childStop: (child) => this.driver.holdsChild(child),
    });
    // A run another live process holds (an app driving it) is that process's to wake.
    const isHeld = (id: string): boolean => this.driver.isPaused(id) || heldElsewhere(ws, id) !== null;
    // Woken runs are handed to the driver, so breakpoints and pause hold for timers and children too.
    this.scheduler = new Scheduler({ runtime: this.runtime, registry: this.registry, pollIntervalS: 1, isHeld, drive: (id) => this.driver.kick(id) });
    this.driver = new RunDriver(this.runtime, this.registry, config, (s) => this.persistDriver(s), onDriveError, {
      settle: settleFinishedChild(this.scheduler, ws.runs),
      // Each run keeps the version of its workflow it started with, whatever was reloaded since.
      workflowOf: (run) => this.catalog.specFor(run),
    });
  }

  get registry(): WorkflowRegistry {
    return this.catalog.registry;
  }

  static async open(o: SqliteSessionOptions): Promise<SqliteSession> {
    // quick_check before anything is written: a damaged file is opened for inspection instead.
    const ws = SqliteWorkspace.open(o.path, { create: o.create, checkIntegrity: true });
    let session: SqliteSession | null = null;
    try {
      const config = await readWorkspaceConfig(o.path);
      const dirs = [...new Set([...o.extraWorkflowDirs, ...config.workflowDirs])];
      const loaded = await loadWorkflowFolders(dirs);
      const info: WorkspaceInfo = {
        id: o.path,
        name: basename(o.path).replace(/\.studio\.sqlite$|\.sqlite$/, ''),
        path: o.path,
        kind: 'sqlite',
        readOnly: false,
        workflowDirs: dirs,
        loadErrors: [],
        // Opened writable with folders of its own only once trusted (see workspace-ops untrustedSession).
        trust: config.workflowDirs.length > 0 ? { state: 'trusted', folders: config.workflowDirs } : null,
      };
      // The modules' tools come from the catalog once it has applied the load (below), as on each reload.
      const effects = new WorkspaceEffects(ws.artifacts, [], o.secrets, o.path);
      await effects.configure(config);
      session = new SqliteSession(ws, info, config, effects, o.secrets, o.onDriveError, o.onWorkflowsChanged);
      session.catalog.apply(loaded);
      effects.setModuleTools(session.catalog.tools());
      info.loadErrors = [...session.catalog.loadErrors];
      // Only a trusted workspace gets here (see workspace-ops), so watching runs no untrusted code.
      session.folderWatch.watch(dirs);
      await session.startSigning(o);
      session.scheduler.start();
      await session.recover();
      return session;
    } catch (e) {
      await session?.signing?.close().catch(() => undefined);
      ws.close();
      throw e;
    }
  }


  workflows(): WorkflowInfo[] {
    return this.registry.values().map((wf) => {
      const loaded = this.catalog.entry(wf.workflowId);
      return { ...wf.graph(), description: wf.description, source: loaded?.file ?? null, version: loaded?.version ?? null };
    });
  }

  workflowVersionOf(run: RunState): RunWorkflowVersion | null {
    return this.catalog.versionOf(run);
  }

  /** Reloads every workflow folder when one of their files changed; reloads never overlap. */
  private readonly folderWatch = new WorkflowFolderWatch(() => void this.reloadWorkflows());
  private reloading: Promise<void> = Promise.resolve();

  reloadWorkflows(): Promise<void> {
    this.reloading = this.reloading.then(async () => {
      if (this.ws.closed) return;
      const loaded = await loadWorkflowFolders(this.info.workflowDirs);
      if (this.ws.closed) return;
      this.catalog.apply(loaded);
      this.effects.setModuleTools(this.catalog.tools());
      this.info.loadErrors = [...this.catalog.loadErrors];
      this.onWorkflowsChanged?.(this.info, this.workflows());
    });
    return this.reloading;
  }

  private recordVersion(runId: string, version: string): void {
    const entries = Object.entries({ ...this.config.runVersions, [runId]: version });
    this.persistDriver({ runVersions: Object.fromEntries(entries.slice(-RECORDED_VERSIONS)) });
  }

  isPaused(runId: string): boolean {
    return this.driver.isPaused(runId);
  }
  breakpointsOf(runId: string): string[] {
    return this.driver.breakpointsOf(runId);
  }
  stopOf(run: RunState): RunStop | null {
    return this.driver.stopOf(run);
  }




  /** The Studio's own keys (and the keys imported into the workspace): what a bundle opened next is checked against. */
  async trustedKeys(): Promise<ActorKey[]> {
    return (await this.ws.actorKeys.list()).map((r) => r.key);
  }

  async childrenOf(parentRunId: string): Promise<RunDetail['children']> {
    const kids = await this.ws.runs.listChildren({ parentRunId });
    return kids.map((k) => ({ runId: k.runId, workflowId: k.workflowId, status: k.status }));
  }


  get settings(): WorkspaceConfig {
    return this.config;
  }

  /** Applies new settings: saved beside the workspace, and the LLM and tool handlers rebuilt at once. */
  async updateSettings(next: WorkspaceConfig): Promise<void> {
    await this.effects.configure(next);
    this.config = next;
    await writeWorkspaceConfig(this.ws.path, this.config);
  }

  /**
   * Before any run moves: a key that cannot be unlocked here (a wrong passphrase, a keychain of
   * another user) leaves the workspace usable but unsigned, and says so, rather than refusing it.
   */
  private async startSigning(o: SqliteSessionOptions): Promise<void> {
    try {
      this.signing = await SessionSigning.start(this.ws, this.runtime, { protector: o.keyProtector, user: o.user, onError: (runId, e) => o.onDriveError(runId, e) });
    } catch (err) {
      if (!isKeyUnavailable(err)) throw err;
      this.signingProblem = `Runs in this workspace are not signed in this session: ${err.message}`;
      console.warn(`studio: ${this.signingProblem}`);
    }
  }

  /** After a restart: runs that were running when the Studio stopped go on, unless paused. */
  private async recover(): Promise<void> {
    const { items } = this.ws.runIndex.query({ status: 'running', limit: 10_000 });
    for (const r of items) if (this.registry.has(r.workflowId)) this.driver.kick(r.runId);
  }

  private persistDriver(state: Required<DriverState> | Pick<WorkspaceConfig, 'runVersions'>): void {
    this.config = { ...this.config, ...state };
    if (this.persistTimer) return;
    this.persistTimer = setTimeout(() => {
      this.persistTimer = null;
      void writeWorkspaceConfig(this.ws.path, this.config).catch(() => undefined);
    }, 50);
  }

  async close(): Promise<void> {
    this.folderWatch.stop();
    await this.scheduler.stop();
    await this.driver.close();
    if (this.persistTimer) {
      clearTimeout(this.persistTimer);
      this.persistTimer = null;
      await writeWorkspaceConfig(this.ws.path, this.config).catch(() => undefined);
    }
    await this.signing?.close();
    this.ws.close();
  }
}
