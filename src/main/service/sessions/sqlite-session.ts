import { basename } from 'node:path';
import {
  ApprovalToolExecutor,
  EffectOutcome,
  MappingToolExecutor,
  RemoteLlmClient,
  Runtime,
  Scheduler,
  WorkflowRegistry,
  makeLlmCallHandler,
  makeToolCallsHandler,
  type ChainReport,
  type EffectHandler,
  type RunState,
  type StepRecord,
  type ToolFunction,
} from '../../../runtime/index';
import { SqliteWorkspace, type RunIndexQuery, type RunIndexRow } from '../../../runtime/storage/sqlite/index';
import { type WorkflowInfo, type WorkspaceInfo } from '../../../shared/contract/domain';
import { verifyInWorker } from '../jobs/job-runner';
import { studioTools } from '../studio-tools';
import { loadWorkflowFolders, type LoadedTool } from '../workflow-loader';
import { readWorkspaceConfig, writeWorkspaceConfig, type WorkspaceConfig } from '../workspace-config';
import { RunDriver } from './run-driver';
import { type ReadSession } from './session';

export interface SqliteSessionOptions {
  path: string;
  /** Folders of workflow modules loaded in addition to the workspace's own list (the demos). */
  extraWorkflowDirs: string[];
  create: boolean;
  onDriveError: (runId: string, error: unknown) => void;
}

/**
 * An open SQLite workspace: the runtime and scheduler over it, the workflows its modules define,
 * and the debugger's driver. Everything the Studio can change goes through here.
 */
export class SqliteSession implements ReadSession {
  readonly registry = new WorkflowRegistry();
  /** The module file each workflow came from. */
  private readonly sources = new Map<string, string>();
  readonly runtime: Runtime;
  readonly scheduler: Scheduler;
  readonly driver: RunDriver;
  private persistTimer: ReturnType<typeof setTimeout> | null = null;

  private constructor(
    readonly ws: SqliteWorkspace,
    readonly info: WorkspaceInfo,
    private config: WorkspaceConfig,
    tools: LoadedTool[],
    onDriveError: (runId: string, error: unknown) => void,
  ) {
    this.runtime = new Runtime({
      runStore: ws.runs,
      ledgerStore: ws.ledger,
      artifactStore: ws.artifacts,
      workflowRegistry: this.registry,
      effectHandlers: { llm_call: llmHandler(config), tool_calls: toolsHandler([...studioTools(ws.artifacts), ...(tools as unknown as ToolFunction[])]) },
    });
    this.driver = new RunDriver(this.runtime, this.registry, config, (s) => this.persistDriver(s), onDriveError);
    this.scheduler = new Scheduler({ runtime: this.runtime, registry: this.registry, pollIntervalS: 1, isHeld: (id) => this.driver.isPaused(id) });
  }

  static async open(o: SqliteSessionOptions): Promise<SqliteSession> {
    const ws = SqliteWorkspace.open(o.path, { create: o.create });
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
        loadErrors: [...loaded.errors],
      };
      const session = new SqliteSession(ws, info, config, loaded.modules.flatMap((m) => m.tools), o.onDriveError);
      for (const m of loaded.modules) {
        for (const wf of m.workflows) {
          if (session.registry.has(wf.workflowId)) info.loadErrors.push({ file: m.file, message: `Workflow '${wf.workflowId}' is defined twice; this copy was ignored.` });
          else {
            session.registry.register(wf);
            session.sources.set(wf.workflowId, m.file);
          }
        }
      }
      session.scheduler.start();
      await session.recover();
      return session;
    } catch (e) {
      ws.close();
      throw e;
    }
  }

  get artifacts() {
    return this.ws.artifacts;
  }
  get snapshots() {
    return this.ws.snapshots;
  }

  workflows(): WorkflowInfo[] {
    return this.registry.values().map((wf) => ({ ...wf.graph(), description: wf.description, source: this.sources.get(wf.workflowId) ?? null }));
  }

  async queryRuns(q: RunIndexQuery): Promise<{ items: RunIndexRow[]; total: number }> {
    return this.ws.runIndex.query(q);
  }
  async runRow(runId: string): Promise<RunIndexRow | null> {
    return this.ws.runIndex.get(runId);
  }
  loadRun(runId: string): Promise<RunState | null> {
    return this.ws.runs.load(runId);
  }
  ledgerPage(runId: string, fromSeq: number, limit: number): Promise<Array<{ seq: number; record: StepRecord }>> {
    return this.ws.ledger.readLedgerPage(runId, { fromSeq, limit });
  }
  ledgerCount(runId: string): Promise<number> {
    return this.ws.ledger.ledgerCount(runId);
  }
  verify(runId: string, onProgress: (done: number, total: number) => void): Promise<ChainReport> {
    return verifyInWorker(this.ws.path, runId, onProgress);
  }
  stateAt(runId: string, seq: number): Promise<RunState | null> {
    return this.ws.stateAt(runId, seq);
  }
  readArtifactChunk(artifactId: string, offset: number, length: number): Promise<Uint8Array | null> {
    return this.ws.artifacts.readArtifactChunk(artifactId, offset, length);
  }
  isPaused(runId: string): boolean {
    return this.driver.isPaused(runId);
  }
  breakpointsOf(runId: string): string[] {
    return this.driver.breakpointsOf(runId);
  }
  async forksOf(runId: string): Promise<Array<{ runId: string; seq: number | null; createdAt: string }>> {
    const ids = await this.ws.runs.listForks(runId);
    const out: Array<{ runId: string; seq: number | null; createdAt: string }> = [];
    for (const id of ids) {
      const row = this.ws.runIndex.get(id);
      if (row) out.push({ runId: id, seq: row.forkedFromSeq, createdAt: row.createdAt });
    }
    return out;
  }

  /** After a restart: runs that were running when the Studio stopped go on, unless paused. */
  private async recover(): Promise<void> {
    const { items } = this.ws.runIndex.query({ status: 'running', limit: 10_000 });
    for (const r of items) if (this.registry.has(r.workflowId)) this.driver.kick(r.runId);
  }

  private persistDriver(state: { paused: string[]; breakpoints: Record<string, string[]> }): void {
    this.config = { ...this.config, ...state };
    if (this.persistTimer) return;
    this.persistTimer = setTimeout(() => {
      this.persistTimer = null;
      void writeWorkspaceConfig(this.ws.path, this.config).catch(() => undefined);
    }, 50);
  }

  async close(): Promise<void> {
    await this.scheduler.stop();
    await this.driver.close();
    if (this.persistTimer) {
      clearTimeout(this.persistTimer);
      this.persistTimer = null;
      await writeWorkspaceConfig(this.ws.path, this.config).catch(() => undefined);
    }
    this.ws.close();
  }
}

/** The LLM handler from the workspace's settings; without a server it fails with what to do. */
function llmHandler(config: WorkspaceConfig): EffectHandler {
  const baseUrl = config.llm.baseUrl ?? process.env['STUDIO_LLM_BASE_URL'] ?? null;
  const model = config.llm.model ?? process.env['STUDIO_LLM_MODEL'] ?? null;
  if (!baseUrl || !model) {
    return () =>
      EffectOutcome.failed(
        'No LLM server is configured for this workspace. Set a server URL and a model in Settings (for Ollama: http://127.0.0.1:11434 and a model you pulled), then retry the run.',
      );
  }
  return makeLlmCallHandler(new RemoteLlmClient({ serverBaseUrl: baseUrl, model }));
}

/** Tools of the workspace's modules run in-process; those marked `requiresApproval` wait for a person. */
function toolsHandler(tools: ToolFunction[]): EffectHandler {
  const needsApproval = (t: ToolFunction): boolean => (t.toolDefinition as { requiresApproval?: boolean } | undefined)?.requiresApproval === true;
  const needs = new Set(tools.filter(needsApproval).map((t) => t.toolDefinition?.name ?? t.name));
  const inner = MappingToolExecutor.fromTools(tools);
  return makeToolCallsHandler(needs.size > 0 ? new ApprovalToolExecutor({ inner, requiresApproval: (name) => needs.has(name) }) : inner);
}
