/**
 * Test support for the demo workflows (resources/demo-workflows): loads a demo module as the
 * Studio does (bundled by esbuild, 'abstractruntime' mapped to this runtime), and drives runs to
 * completion on a simulated clock, answering every wait the way a person in the Studio would.
 */
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import * as runtimeModule from '../../runtime/index';
import {
  ApprovalToolExecutor,
  HashChainedLedgerStore,
  InMemoryArtifactStore,
  InMemoryLedgerStore,
  InMemoryRunStore,
  ManualClock,
  MappingToolExecutor,
  Runtime,
  WorkflowRegistry,
  WorkflowSpec,
  artifactRef,
  defineTool,
  isJsonObject,
  makeLlmCallHandler,
  makeToolCallsHandler,
  parseIsoTimestamp,
  type JsonObject,
  type LedgerStore,
  type LlmClient,
  type RunState,
  type RunStore,
  type ToolFunction,
} from '../../runtime/index';

export const DEMO_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../resources/demo-workflows');

export interface DemoModule {
  workflows: WorkflowSpec[];
  tools: ToolFunction[];
  exports: Record<string, unknown>;
}

/** A demo module, bundled with the runtime left external and evaluated with the runtime handed in. */
export async function loadDemo(fileName: string): Promise<DemoModule> {
  const file = join(DEMO_DIR, fileName);
  const out = await build({ entryPoints: [file], bundle: true, write: false, platform: 'node', format: 'cjs', external: ['abstractruntime'], logLevel: 'silent' });
  const nodeRequire = createRequire(file);
  const module = { exports: {} as Record<string, unknown> };
  const shim = (id: string): unknown => (id === 'abstractruntime' ? runtimeModule : nodeRequire(id));
  new Function('require', 'module', 'exports', out.outputFiles[0]?.text ?? '')(shim, module, module.exports);
  const exports = module.exports;
  return {
    workflows: Array.isArray(exports['workflows']) ? exports['workflows'].filter((w): w is WorkflowSpec => w instanceof WorkflowSpec) : [],
    tools: Array.isArray(exports['tools']) ? (exports['tools'] as ToolFunction[]) : [],
    exports,
  };
}

/** The tool the Studio is asked to provide for artifacts (see the report to the lead). */
export function saveArtifactTool(store: InMemoryArtifactStore): ToolFunction {
  return defineTool({ name: 'save_artifact', description: 'Store data as an artifact of this run.' }, async (args, context) => {
    const tags = isJsonObject(args['tags']) ? Object.fromEntries(Object.entries(args['tags']).map(([k, v]) => [k, String(v)])) : {};
    const meta = await store.storeJson(args['data'] ?? null, { runId: context.runId, tags });
    return { ...artifactRef(meta.artifactId), size_bytes: meta.sizeBytes };
  });
}

export interface Harness {
  runtime: Runtime;
  registry: WorkflowRegistry;
  clock: ManualClock;
  artifacts: InMemoryArtifactStore;
  executor: ApprovalToolExecutor;
  runStore: RunStore & { listChildren?: InMemoryRunStore['listChildren'] };
  ledgerStore: LedgerStore;
}

export interface HarnessOptions {
  workflows: WorkflowSpec[];
  tools?: ToolFunction[];
  llm?: LlmClient;
  stores?: { runStore: RunStore; ledgerStore: LedgerStore };
  clock?: ManualClock;
}

export function harness(options: HarnessOptions): Harness {
  const registry = new WorkflowRegistry();
  for (const w of options.workflows) registry.register(w);
  const clock = options.clock ?? new ManualClock(Date.UTC(2026, 0, 1) * 1000, 1000);
  const artifacts = new InMemoryArtifactStore();
  const tools = [...(options.tools ?? []), saveArtifactTool(artifacts)];
  const executor = new ApprovalToolExecutor({
    inner: MappingToolExecutor.fromTools(tools),
    requiresApproval: (name) => tools.some((t) => t.toolDefinition?.name === name && (t.toolDefinition as { requiresApproval?: boolean }).requiresApproval === true),
  });
  const runStore = options.stores?.runStore ?? new InMemoryRunStore();
  const ledgerStore = options.stores?.ledgerStore ?? new HashChainedLedgerStore(new InMemoryLedgerStore());
  const unusedLlm: LlmClient = { generate: () => Promise.reject(new Error('no LLM in this test')) };
  const runtime = new Runtime({
    runStore,
    ledgerStore,
    clock,
    workflowRegistry: registry,
    artifactStore: artifacts,
    sleep: async () => undefined,
    effectHandlers: { llm_call: makeLlmCallHandler(options.llm ?? unusedLlm), tool_calls: makeToolCallsHandler(executor) },
  });
  return { runtime, registry, clock, artifacts, executor, runStore, ledgerStore };
}

/** What a person answers to a waiting run; null: nothing to answer (the test fails). */
export type Responder = (run: RunState) => JsonObject | Promise<JsonObject> | null;

/**
 * Ticks a run until it ends: timers are fast-forwarded on the clock, asynchronous children are
 * ticked (a host's job), and questions, events and approvals are answered by `respond`.
 */
export async function driveToEnd(h: Harness, runId: string, respond: Responder = () => null): Promise<RunState> {
  for (let round = 0; round < 200; round++) {
    const state = await h.runtime.getState(runId);
    const workflow = h.registry.getOrRaise(state.workflowId);
    const run = await h.runtime.tick({ workflow, runId, maxSteps: 100_000 });
    await tickStartedChildren(h, runId);
    if (run.status === 'completed' || run.status === 'failed' || run.status === 'cancelled') return run;
    const w = run.waiting;
    if (run.status !== 'waiting' || !w) continue;
    if (w.reason === 'until') {
      h.clock.set(Math.max(h.clock.peekMicros(), (parseIsoTimestamp(w.until ?? '') ?? 0) + 1000));
      continue;
    }
    const payload = await respond(run);
    if (!payload) throw new Error(`Nobody answers run ${runId} waiting at ${run.currentNode} (${w.reason} ${w.waitKey ?? ''})`);
    await h.runtime.resume({ workflow, runId, waitKey: w.waitKey, payload });
  }
  throw new Error(`Run ${runId} did not end`);
}

/** Children started with `async: true` sit at their entry node until a host ticks them. */
async function tickStartedChildren(h: Harness, parentRunId: string): Promise<void> {
  const children = h.runStore.listChildren ? await h.runStore.listChildren({ parentRunId, status: 'running' }) : [];
  for (const child of children) await driveToEnd(h, child.runId);
}
