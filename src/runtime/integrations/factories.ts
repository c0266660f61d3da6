import { type EffectHandler } from '../core/effect-handler';
import { EffectType } from '../core/enums';
import { Runtime, type RuntimeOptions } from '../core/runtime';
import { InvalidArgumentError } from '../errors';
import { InMemoryLedgerStore } from '../storage/memory/memory-ledger-store';
import { InMemoryRunStore } from '../storage/memory/memory-run-store';
import { makeLlmCallHandler, type LlmCallHandlerOptions } from './llm/llm-call-handler';
import { type LlmClient } from './llm/llm-client';
import { RemoteLlmClient, type RemoteLlmClientOptions } from './llm/openai-compatible-client';
import { MappingToolExecutor, type ToolFunction } from './tools/mapping-tool-executor';
import { PassthroughToolExecutor } from './tools/passthrough-tool-executor';
import { makeToolCallsHandler } from './tools/tool-calls-handler';
import { type ToolExecutor } from './tools/tool-executor';

/** Everything a Runtime takes, except what the factory wires itself; stores are optional (see below). */
type BaseRuntimeOptions = Partial<Omit<RuntimeOptions, 'effectHandlers'>> & {
  /** Extra handlers, merged after llm_call and tool_calls (so a host can still replace them). */
  effectHandlers?: RuntimeOptions['effectHandlers'];
  llmCallOptions?: LlmCallHandlerOptions;
};

type ClientOptions = Omit<RemoteLlmClientOptions, 'serverBaseUrl' | 'model'> & { serverBaseUrl: string; model: string };

export type RemoteRuntimeOptions = BaseRuntimeOptions & ClientOptions & { toolExecutor?: ToolExecutor | null };
export type HybridRuntimeOptions = BaseRuntimeOptions & ClientOptions & { tools?: readonly ToolFunction[] };
export type LocalRuntimeOptions = BaseRuntimeOptions &
  Partial<ClientOptions> & { llm?: LlmClient; tools?: readonly ToolFunction[]; toolExecutor?: ToolExecutor | null };

/**
 * `create_remote_runtime`: LLM calls go to an OpenAI-compatible server; tools are untrusted, so by
 * default nothing runs here (PassthroughToolExecutor: the run waits for the host to run them).
 */
export function createRemoteRuntime(options: RemoteRuntimeOptions): Runtime {
  const { toolExecutor, ...rest } = options;
  return build(rest, new RemoteLlmClient(clientOptions(options)), toolExecutor === undefined ? new PassthroughToolExecutor() : toolExecutor);
}

/** `create_hybrid_runtime`: remote LLM, tools run in this process (always the mapping executor, as the reference fixes it). */
export function createHybridRuntime(options: HybridRuntimeOptions): Runtime {
  const { tools, ...rest } = options;
  return build(rest, new RemoteLlmClient(clientOptions(options)), MappingToolExecutor.fromTools(tools ?? []));
}

/**
 * `create_local_runtime`. The reference runs the model in-process through AbstractCore; TypeScript
 * has no AbstractCore, so "local" means: the LLM client is whatever you pass as `llm` (an
 * in-process model, a test double) or, failing that, the OpenAI-compatible client pointed at your
 * own machine (Ollama, LM Studio); tools run in-process (the mapping executor over `tools`, unless
 * `toolExecutor` is given). The reference's merging of model capabilities into the config is not
 * done: no client here reports capabilities; pass `config` yourself.
 */
export function createLocalRuntime(options: LocalRuntimeOptions): Runtime {
  const { llm, tools, toolExecutor, ...rest } = options;
  let client = llm;
  if (!client) {
    if (!options.serverBaseUrl || !options.model) {
      throw new InvalidArgumentError('createLocalRuntime needs an llm client, or serverBaseUrl and model (e.g. http://127.0.0.1:11434 for Ollama)');
    }
    client = new RemoteLlmClient(clientOptions(options as ClientOptions));
  }
  return build(rest, client, toolExecutor === undefined ? MappingToolExecutor.fromTools(tools ?? []) : toolExecutor);
}

function clientOptions(o: ClientOptions): RemoteLlmClientOptions {
  return { serverBaseUrl: o.serverBaseUrl, model: o.model, timeoutS: o.timeoutS, headers: o.headers, fetch: o.fetch, toolFormat: o.toolFormat };
}

/**
 * The reference replaces BOTH stores with in-memory ones when either is missing, silently dropping
 * a durable store that was given. We refuse that input instead: both or neither.
 */
function build(options: BaseRuntimeOptions, llm: LlmClient, tools: ToolExecutor | null): Runtime {
  const { runStore, ledgerStore, effectHandlers, llmCallOptions } = options;
  if ((runStore === undefined) !== (ledgerStore === undefined)) {
    throw new InvalidArgumentError('Pass both runStore and ledgerStore, or neither (then both are in memory)');
  }
  const handlers: Partial<Record<string, EffectHandler>> = {
    [EffectType.LLM_CALL]: makeLlmCallHandler(llm, llmCallOptions),
    [EffectType.TOOL_CALLS]: makeToolCallsHandler(tools),
    ...(effectHandlers ?? {}),
  };
  return new Runtime({
    ...stripFactoryKeys(options),
    runStore: runStore ?? new InMemoryRunStore(),
    ledgerStore: ledgerStore ?? new InMemoryLedgerStore(),
    effectHandlers: handlers,
  });
}

/** Only Runtime options go to the Runtime (the client's own keys stay here). */
function stripFactoryKeys(o: BaseRuntimeOptions): Partial<RuntimeOptions> {
  const keys: Array<keyof RuntimeOptions> = ['context', 'workflowRegistry', 'artifactStore', 'effectPolicy', 'config', 'clock', 'newId', 'sleep'];
  const out: Partial<RuntimeOptions> = {};
  for (const k of keys) if (o[k] !== undefined) (out as Record<string, unknown>)[k] = o[k];
  return out;
}
