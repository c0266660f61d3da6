import { existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { actorFingerprint, RuntimeError, type RunState, type RuntimeEvent, type StepRecord } from '../../runtime/index';
import { type SchedulerStatus } from '../../shared/contract/domain';
import { StudioError, type StudioErrorData } from '../../shared/contract/errors';
import { type OperationName, type Request, type ResponseMap } from '../../shared/contract/operations';
import { validateRequest } from '../../shared/contract/validate';
import { type WireEvent, type WireResult } from '../../shared/contract/wire';
import { writeFileAtomic } from '../../runtime/storage/files/atomic-write';
import { WorkspaceTrust } from './workspace-trust';
import { noneProtector, type KeyProtector } from '../../runtime/provenance/index';
import { listActors } from './ops/actor-ops';
import { exportRunBundle, openBundle } from './ops/bundle-ops';
import { JobRunner } from './jobs/job-runner';
import { checkArtifacts, listArtifacts, readArtifact } from './ops/artifact-ops';
import { getJob, ledgerPage, ledgerRecord, stateAt, stateDiff, verifyLedger } from './ops/ledger-ops';
import { conversationRecords } from './ops/conversation-ops';
import { retryLlm } from './ops/llm-retry-ops';
import { answerPrompt, listPrompts, promptOf } from './ops/prompt-ops';
import { bulkRuns } from './ops/run-archive-ops';
import { cancelRun, continueRun, fastForward, forkRun, getRun, pauseRun, queryRuns, resumeEvent, runVisits, setBreakpoint, startRun, stepRun } from './ops/run-ops';
import { getSettings, testLlm, updateSettings } from './ops/settings-ops';
import { createSnapshot, deleteSnapshot, listSnapshots, previewRestore, restoreSnapshot, updateSnapshot } from './ops/snapshot-ops';
import { addWorkflowFolder, inferredGraph, listWorkflows } from './ops/workflow-ops';
import { createWorkspace, currentWorkspace, listWorkspaces, openPythonFolder, openSqlite, openWorkspace, trustWorkspace } from './ops/workspace-ops';
import { PathGuard } from './path-guard';
import { MemorySecretStore, type SecretStore } from './secret-store';
import { RunEventBatch } from './run-event-batch';
import { ServiceEvents } from './service-events';
import { SourceChangeWatch } from './source-change-watch';
import { Downloads } from './downloads';
import { summaryOf, type ServiceContext } from './service-context';
import { type ReadSession } from './sessions/session';
import { type LiveChange } from './sessions/session-capabilities';

export interface StudioServiceOptions {
  userDataDir: string;
  /** Folders the renderer may name (workspaces, Python data folders). */
  allowedRoots: string[];
  /** Opened (created if missing) at start; default `<userDataDir>/workspaces/default.studio.sqlite`. */
  defaultWorkspacePath?: string;
  /** Demo workflow modules, loaded into every workspace. */
  demoWorkflowDir?: string | null;
  actor?: { displayName: string };
  /** Where secrets go: the OS keychain in the desktop app; memory by default. */
  secrets?: SecretStore;
  /**
   * Seals the signing keys kept in each workspace: the OS keychain in the desktop app. Default:
   * none, i.e. the keys are stored unprotected in the workspace file (tests, throwaway
   * workspaces). The web host passes `keyProtectorFromEnv(process.env)`: a passphrase when
   * STUDIO_KEY_PASSPHRASE is set, else none (see signing/key-protection.ts).
   */
  keyProtector?: KeyProtector;
  /** The desktop app's save dialog, for exports saved where the user chooses (see ServiceContext.saveDialog). */
  saveDialog?: (defaultFileName: string) => Promise<string | null>;
}

type Handlers = { [K in OperationName]: (ctx: ServiceContext, req: Request<K>) => Promise<ResponseMap[K]> };

const HANDLERS: Handlers = {
  'workspace.current': currentWorkspace,
  'workspace.list': listWorkspaces,
  'workspace.open': openWorkspace,
  'workspace.create': createWorkspace,
  'workspace.trust': trustWorkspace,
  'workspace.openPythonFolder': openPythonFolder,
  'workspace.openBundle': openBundle,
  'workflows.list': listWorkflows,
  'workflows.addFolder': addWorkflowFolder,
  'workflows.inferred': inferredGraph,
  'workspace.actors': listActors,
  'runs.query': queryRuns,
  'runs.get': getRun,
  'runs.visits': runVisits,
  'runs.start': startRun,
  'runs.step': stepRun,
  'runs.continue': continueRun,
  'runs.pause': pauseRun,
  'runs.setBreakpoint': setBreakpoint,
  'runs.cancel': cancelRun,
  'runs.bulk': bulkRuns,
  'runs.resumeEvent': resumeEvent,
  'runs.fastForward': fastForward,
  'runs.fork': forkRun,
  'runs.retryLlm': retryLlm,
  'runs.exportBundle': exportRunBundle,
  'ledger.page': ledgerPage,
  'ledger.record': ledgerRecord,
  'ledger.verify': verifyLedger,
  'ledger.stateAt': stateAt,
  'ledger.diff': stateDiff,
  'ledger.conversation': conversationRecords,
  'prompts.list': listPrompts,
  'prompts.answer': answerPrompt,
  'snapshots.list': listSnapshots,
  'snapshots.create': createSnapshot,
  'snapshots.update': updateSnapshot,
  'snapshots.delete': deleteSnapshot,
  'snapshots.previewRestore': previewRestore,
  'snapshots.restore': restoreSnapshot,
  'artifacts.list': listArtifacts,
  'artifacts.read': readArtifact,
  'artifacts.check': checkArtifacts,
  'settings.get': getSettings,
  'settings.update': updateSettings,
  'settings.testLlm': testLlm,
  'scheduler.status': async (ctx) => schedulerStatus(ctx.current()),
  'jobs.get': getJob,
};

/**
 * The Studio's backend: every operation of the contract over the runtime and the open workspace,
 * and one event stream. It knows no transport: the Electron host and the web host both call
 * `invoke` (which validates and never throws) and forward `onEvent`.
 */
export class StudioService {
  private readonly events = new ServiceEvents();
  private readonly ctx: ServiceContext;
  private currentSession: ReadSession | null = null;
  private unsubscribe: (() => void) | null = null;
  private recent: string[] = [];
  private readonly recentPath: string;
  private statusTimer: ReturnType<typeof setInterval> | null = null;
  private readonly sourceWatch = new SourceChangeWatch(this.events);
  /** Live updates of driven runs, at most every 50 ms: fast enough to watch, few enough to keep up with. */
  private readonly batch = new RunEventBatch(50, {
    appended: (e) => this.events.emit('ledger.appended', e),
    saved: (run) => void this.emitRunChanged(run),
    headSeq: async (runId) => {
      const s = this.currentSession;
      const ws = s?.capabilities.control?.ws;
      if (ws) return (await ws.ledger.ledgerHead(runId))?.seq ?? null;
      return (await s?.capabilities.live?.headSeq(runId)) ?? null;
    },
  });

  private constructor(private readonly options: StudioServiceOptions) {
    this.recentPath = join(options.userDataDir, 'recent-workspaces.json');
    const actor = actorFingerprint({ kind: 'human', displayName: options.actor?.displayName ?? 'studio-user', metadata: { app: 'AbstractRuntime Studio' } });
    this.ctx = {
      events: this.events,
      jobs: new JobRunner(this.events),
      guard: new PathGuard(options.allowedRoots),
      actorId: actor.actorId,
      user: actor,
      keyProtector: options.keyProtector ?? noneProtector(),
      demoWorkflowDir: options.demoWorkflowDir ?? null,
      secrets: options.secrets ?? new MemorySecretStore(),
      trust: new WorkspaceTrust(join(options.userDataDir, 'trusted-workspaces.json')),
      downloads: new Downloads(join(options.userDataDir, 'downloads')),
      saveDialog: options.saveDialog ?? null,
      current: () => this.currentSession,
      switchTo: (s) => this.switchTo(s),
      recentWorkspaces: () => [...this.recent],
    };
  }

  static async create(options: StudioServiceOptions): Promise<StudioService> {
    const service = new StudioService(options);
    await service.loadRecent();
    await service.ctx.trust.load();
    const path = options.defaultWorkspacePath ?? join(options.userDataDir, 'workspaces', 'default.studio.sqlite');
    // Owner only (0700): the folders hold workspaces and, without a passphrase, raw signing keys.
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    await service.switchTo(await openSqlite(service.ctx, path, true));
    service.statusTimer = setInterval(() => {
      void schedulerStatus(service.currentSession)
        .then((status) => service.events.emit('scheduler.status', status))
        .catch(() => undefined); // the next tick tries again (a PostgreSQL server away for a moment)
    }, 2000);
    service.statusTimer.unref?.();
    return service;
  }

  /** The actor id recorded when this Studio's user answers, cancels or restores. */
  get actorId(): string {
    return this.ctx.actorId;
  }

  get session(): ReadSession | null {
    return this.currentSession;
  }

  async invoke(op: string, request: unknown): Promise<WireResult<unknown>> {
    try {
      const valid = validateRequest(op, request);
      const handler = HANDLERS[valid.op] as (ctx: ServiceContext, req: unknown) => Promise<unknown>;
      const result = await handler(this.ctx, valid.request);
      // What the answer shows is announced first, so a screen never holds an answer ahead of its events.
      this.batch.drain();
      return { ok: true, result };
    } catch (e) {
      return { ok: false, error: toErrorData(e) };
    }
  }

  /** A file offered as a browser download (`ExportedBundle.download`), taken: it can be fetched once. */
  takeDownload(id: string): ReturnType<Downloads['take']> {
    return this.ctx.downloads.take(id);
  }

  onEvent(listener: (e: WireEvent) => void): () => void {
    return this.events.on(listener);
  }

  private async switchTo(next: ReadSession): Promise<void> {
    const prev = this.currentSession;
    this.batch.drain(); // the old source's news goes out while it is still the current one
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.currentSession = next;
    this.sourceWatch.stop();
    // The switch is done once `next` is current: a previous session that fails to close (its
    // file went read-only, a flush failed) is reported, never allowed to undo or hide the switch.
    if (prev && prev !== next) {
      await prev.close().catch((e: unknown) => console.warn(`studio: closing ${prev.info.path} failed: ${e instanceof Error ? e.message : String(e)}`));
    }
    this.sourceWatch.watch(next);
    const drive = next.capabilities.drive;
    if (drive) {
      const offRuntime = drive.runtime.onEvent((e) => this.onRuntimeEvent(e));
      // A drive that stops before a node saves nothing: its stop is announced as a change of the run.
      const offStop = drive.driver.onStop((runId) => void this.announceStop(next, runId));
      this.unsubscribe = () => {
        offRuntime();
        offStop();
      };
      await this.remember(next.info.path);
    }
    // What other processes commit (a PostgreSQL workspace's workers) goes out as the driver's does.
    const live = next.capabilities.live;
    if (live) this.unsubscribe = live.subscribe((c) => this.onLiveChange(c));
    // Remembered by its URL without the password (that is kept with the secrets).
    if (next.info.kind === 'postgres') await this.remember(next.info.path);
    this.events.emit('workspace.changed', next.info);
  }

  private onRuntimeEvent(e: RuntimeEvent): void {
    if (e.type === 'run-saved') {
      this.batch.saved(e.run);
      // A child started with `async: true` is left running for the host to drive.
      const s = this.currentSession;
      if (e.run.status === 'running' && e.run.parentRunId) s?.capabilities.drive?.driver.kick(e.run.runId);
      const prompt = promptOf(e.run);
      if (prompt) this.events.emit('prompt.pending', prompt);
    } else {
      this.recordsLanded(e.records);
    }
  }

  private onLiveChange(c: LiveChange): void {
    this.batch.landed(c.runId, c.records, c.lastSeq);
    if (!c.run) return;
    this.batch.saved(c.run);
    const prompt = promptOf(c.run);
    if (prompt) this.events.emit('prompt.pending', prompt);
  }

  /**
   * Records of one commit, by run, with the seqs the writer gave them: it knows its heads right
   * after the commit (no count, no query). A head that is not the last record's is someone else's
   * (another connection wrote since): those seqs are left to the batch to place.
   */
  private recordsLanded(records: readonly StepRecord[]): void {
    const s = this.currentSession;
    const byRun = new Map<string, StepRecord[]>();
    for (const r of records) {
      const list = byRun.get(r.runId);
      if (list) list.push(r);
      else byRun.set(r.runId, [r]);
    }
    for (const [runId, list] of byRun) {
      const head = s?.capabilities.control?.ws.ledger.writtenHead(runId) ?? null;
      const ours = head !== null && head.recordHash === list.at(-1)!.recordHash;
      this.batch.landed(runId, list, ours ? head.seq : null);
    }
  }

  private async announceStop(s: ReadSession, runId: string): Promise<void> {
    const run = await s.loadRun(runId).catch(() => null);
    if (run && this.currentSession === s) this.batch.saved(run);
  }

  private async emitRunChanged(run: RunState): Promise<void> {
    const s = this.currentSession;
    if (!s) return;
    try {
      this.events.emit('run.changed', await summaryOf(s, run));
    } catch {
      // The workspace closed in between: nothing to announce.
    }
  }

  private async loadRecent(): Promise<void> {
    try {
      const list = JSON.parse(await readFile(this.recentPath, 'utf8')) as unknown;
      if (Array.isArray(list)) this.recent = list.filter((p): p is string => typeof p === 'string').slice(0, 20);
    } catch {
      this.recent = [];
    }
  }

  private async remember(path: string): Promise<void> {
    this.recent = [path, ...this.recent.filter((p) => p !== path)].slice(0, 20);
    if (!existsSync(this.options.userDataDir)) mkdirSync(this.options.userDataDir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.recentPath, JSON.stringify(this.recent, null, 2), { mode: 0o600 }).catch(() => undefined);
  }

  /** Waits until no run is being driven in the background (tests and shutdown). */
  async idle(): Promise<void> {
    const s = this.currentSession;
    await s?.capabilities.drive?.driver.idle();
    this.batch.drain();
  }

  async close(): Promise<void> {
    if (this.statusTimer) clearInterval(this.statusTimer);
    this.sourceWatch.stop();
    this.unsubscribe?.();
    this.batch.drain();
    this.ctx.downloads.close();
    await this.currentSession?.close();
    this.currentSession = null;
  }
}

async function schedulerStatus(s: ReadSession | null): Promise<SchedulerStatus> {
  const scheduler = s?.capabilities.drive?.scheduler;
  const ask = s?.capabilities.ask;
  if (!scheduler) {
    const none: SchedulerStatus = { running: false, runsResumed: 0, runsFailed: 0, pollCycles: 0, lastPollAt: null, lastError: null, nextWakeAt: null };
    // Attached to workers: they schedule, and the header says which are alive.
    return ask ? { ...none, workers: await ask.liveWorkers() } : none;
  }
  const st = scheduler.stats;
  return {
    running: scheduler.isRunning,
    runsResumed: st.runsResumed,
    runsFailed: st.runsFailed,
    pollCycles: st.pollCycles,
    lastPollAt: st.lastPollAt,
    lastError: st.errors.at(-1) ?? null,
    nextWakeAt: null,
  };
}

function toErrorData(e: unknown): StudioErrorData {
  if (e instanceof StudioError) return e.toData();
  if (e instanceof RuntimeError) return { code: e.code, message: e.message, details: { ...e.details } };
  const err = e as { code?: unknown; message?: unknown };
  if (err && typeof err.code === 'string' && typeof err.message === 'string') return { code: err.code, message: err.message };
  return { code: 'INTERNAL', message: `Unexpected error: ${e instanceof Error ? e.message : String(e)}. The operation did not complete; try again, and report it if it persists.` };
}
