import {
  ApprovalToolExecutor,
  EffectOutcome,
  MappingToolExecutor,
  RemoteLlmClient,
  makeLlmCallHandler,
  makeToolCallsHandler,
  executeApprovedToolCalls,
  type ArtifactStore,
  type JsonObject,
  type JsonValue,
  type ToolCallDecisions,
  type ToolExecutionContext,
  type EffectHandler,
  type ToolFunction,
} from '../../../runtime/index';
import { type ToolSetting } from '../../../shared/contract/domain';
import { type SecretStore } from '../secret-store';
import { redactingHandler } from './redact-secrets';
import { studioTools } from '../studio-tools';
import { type WorkspaceConfig } from '../workspace-config';
import { type LoadedTool } from '../workflow-loader';

export interface ModuleTool {
  fn: LoadedTool;
  source: string | null;
}

/**
 * The key a secret header of a workspace is stored under: bound to the origin of the server it
 * was entered for, so pointing the workspace at another server (by hand, or by a sidecar someone
 * sent) never sends it there; the new server needs the secret entered again.
 */
export const secretKey = (workspacePath: string, header: string, baseUrl: string | null): string => `${workspacePath}#llm-header:${header.toLowerCase()}@${originOf(baseUrl)}`;

/** The base URL the workspace's LLM calls go to: its own setting, else STUDIO_LLM_BASE_URL. */
export const effectiveBaseUrl = (config: WorkspaceConfig): string | null => config.llm.baseUrl ?? process.env['STUDIO_LLM_BASE_URL'] ?? null;

export function originOf(url: string | null): string {
  if (!url) return 'none';
  try {
    return new URL(url).origin;
  } catch {
    return 'invalid';
  }
}

/** STUDIO_LLM_API_KEY, only for the origin of STUDIO_LLM_BASE_URL (never for a URL a workspace chose). */
function envApiKeyFor(baseUrl: string): string | null {
  const key = process.env['STUDIO_LLM_API_KEY'];
  const envBase = process.env['STUDIO_LLM_BASE_URL'];
  return key && envBase && originOf(envBase) === originOf(baseUrl) ? key : null;
}

/** One version of the workspace's tools: the Studio's own and the modules' as loaded at one time. */
interface ToolSet {
  all: Array<{ fn: ToolFunction; source: string | null }>;
  /** Rebuilt in place when the approval settings change. */
  handler: EffectHandler;
}

/**
 * The workspace's `llm_call` and `tool_calls` handlers, rebuilt whenever its settings change
 * (server, model, headers, which tools need approval) or its modules' tools reload, without
 * restarting the runtime: the runtime holds the two stable delegates below. Like a workflow, a
 * run keeps the tools it was pinned with (at its start): a reload changes the tools of new runs.
 */
export class WorkspaceEffects {
  private llm: EffectHandler = notConfigured;
  private readonly builtIn: Array<{ fn: ToolFunction; source: string | null }>;
  private current: ToolSet;
  private readonly pinned = new Map<string, ToolSet>();
  private approval: Record<string, boolean> = {};

  /** The secret values the handlers were built with: redacted from every effect error (see redact-secrets.ts). */
  private secretValues: string[] = [];

  readonly llmHandler: EffectHandler = redactingHandler((run, effect, next, ctx) => this.llm(run, effect, next, ctx), () => this.secretValues);
  readonly toolsHandler: EffectHandler = redactingHandler((run, effect, next, ctx) => this.toolsOf(run.runId).handler(run, effect, next, ctx), () => this.secretValues);

  constructor(
    artifacts: ArtifactStore,
    moduleTools: ModuleTool[],
    private readonly secrets: SecretStore,
    private readonly workspacePath: string,
  ) {
    this.builtIn = studioTools(artifacts).map((fn) => ({ fn, source: null }));
    this.current = this.toolSet(moduleTools);
  }

  async configure(config: WorkspaceConfig): Promise<void> {
    this.llm = await this.buildLlm(config);
    this.approval = config.toolApproval;
    for (const set of new Set([this.current, ...this.pinned.values()])) set.handler = this.buildTools(set.all);
  }

  /** The modules' tools reloaded: new runs call these; runs pinned before keep theirs. */
  setModuleTools(moduleTools: readonly ModuleTool[]): void {
    this.current = this.toolSet(moduleTools);
  }

  /** Keeps the run on the tools loaded now (called when its workflow version is pinned). */
  pinTools(runId: string): void {
    if (!this.pinned.has(runId)) this.pinned.set(runId, this.current);
  }

  private toolsOf(runId: string): ToolSet {
    return this.pinned.get(runId) ?? this.current;
  }

  private toolSet(moduleTools: readonly ModuleTool[]): ToolSet {
    const all = [...this.builtIn, ...moduleTools.map((t) => ({ fn: t.fn as unknown as ToolFunction, source: t.source }))];
    return { all, handler: this.buildTools(all) };
  }

  toolSettings(approval: Record<string, boolean>): ToolSetting[] {
    return this.current.all.map(({ fn, source }) => ({
      name: nameOf(fn),
      description: fn.toolDefinition?.description ?? '',
      requiresApproval: approval[nameOf(fn)] ?? defaultApproval(fn),
      source,
    }));
  }

  /**
   * Runs the approved (possibly edited) calls of an approval wait and answers the rejected ones,
   * producing the payload the run resumes with (`{mode: "executed", results, decisions}`).
   */
  executeApproved(toolCalls: readonly JsonValue[], decisions: ToolCallDecisions, context: Partial<ToolExecutionContext>): Promise<JsonObject> {
    const set = context.runId ? this.toolsOf(context.runId) : this.current;
    return executeApprovedToolCalls(MappingToolExecutor.fromTools(set.all.map((t) => t.fn)), toolCalls, decisions, context);
  }

  private async buildLlm(config: WorkspaceConfig): Promise<EffectHandler> {
    const baseUrl = effectiveBaseUrl(config);
    const model = config.llm.model ?? process.env['STUDIO_LLM_MODEL'] ?? null;
    const envKey = baseUrl ? envApiKeyFor(baseUrl) : null;
    const secretValues = process.env['STUDIO_LLM_API_KEY'] ? [process.env['STUDIO_LLM_API_KEY']] : [];
    const headers: Record<string, string> = {};
    for (const h of config.llm.headers) {
      const value = h.secret ? await this.secrets.get(secretKey(this.workspacePath, h.name, baseUrl)) : h.value;
      if (value && h.secret) secretValues.push(value);
      if (value) headers[h.name] = value;
    }
    this.secretValues = secretValues;
    if (!baseUrl || !model) return notConfigured;
    if (!headers['Authorization'] && envKey) headers['Authorization'] = `Bearer ${envKey}`;
    return makeLlmCallHandler(new RemoteLlmClient({ serverBaseUrl: baseUrl, model, headers, timeoutS: config.llm.timeoutS }));
  }

  private buildTools(all: ToolSet['all']): EffectHandler {
    const approval = this.approval;
    const fns = all.map((t) => t.fn);
    const needs = new Set(fns.filter((fn) => approval[nameOf(fn)] ?? defaultApproval(fn)).map(nameOf));
    const inner = MappingToolExecutor.fromTools(fns);
    return makeToolCallsHandler(needs.size > 0 ? new ApprovalToolExecutor({ inner, requiresApproval: (name) => needs.has(name) }) : inner);
  }
}

const nameOf = (fn: ToolFunction): string => fn.toolDefinition?.name || fn.name;
const defaultApproval = (fn: ToolFunction): boolean => (fn.toolDefinition as { requiresApproval?: boolean } | undefined)?.requiresApproval === true;

const notConfigured: EffectHandler = () =>
  EffectOutcome.failed(
    'No LLM server is configured for this workspace. Set a server URL and a model in Settings (for Ollama: http://127.0.0.1:11434 and a model you pulled, such as qwen3:4b), then start the run again.',
  );
