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

/**
 * The workspace's `llm_call` and `tool_calls` handlers, rebuilt whenever its settings change
 * (server, model, headers, which tools need approval) without restarting the runtime: the
 * runtime holds the two stable delegates below.
 */
export class WorkspaceEffects {
  private llm: EffectHandler = notConfigured;
  private tools: EffectHandler;
  private readonly all: Array<{ fn: ToolFunction; source: string | null }>;

  /** The secret values the handlers were built with: redacted from every effect error (see redact-secrets.ts). */
  private secretValues: string[] = [];

  readonly llmHandler: EffectHandler = redactingHandler((run, effect, next, ctx) => this.llm(run, effect, next, ctx), () => this.secretValues);
  readonly toolsHandler: EffectHandler = redactingHandler((run, effect, next, ctx) => this.tools(run, effect, next, ctx), () => this.secretValues);

  constructor(
    artifacts: ArtifactStore,
    moduleTools: ModuleTool[],
    private readonly secrets: SecretStore,
    private readonly workspacePath: string,
  ) {
    this.all = [...studioTools(artifacts).map((fn) => ({ fn, source: null })), ...moduleTools.map((t) => ({ fn: t.fn as unknown as ToolFunction, source: t.source }))];
    this.tools = this.buildTools({});
  }

  async configure(config: WorkspaceConfig): Promise<void> {
    this.llm = await this.buildLlm(config);
    this.tools = this.buildTools(config.toolApproval);
  }

  toolSettings(approval: Record<string, boolean>): ToolSetting[] {
    return this.all.map(({ fn, source }) => ({
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
    return executeApprovedToolCalls(MappingToolExecutor.fromTools(this.all.map((t) => t.fn)), toolCalls, decisions, context);
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

  private buildTools(approval: Record<string, boolean>): EffectHandler {
    const fns = this.all.map((t) => t.fn);
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
