import { WorkflowRegistry, type RunState, type WorkflowSpec } from '../../runtime/index';
import { type RunWorkflowVersion } from '../../shared/contract/domain';
import { type LoadedTool, type LoadResult, type ModuleLoadError } from './workflow-loader';

/** A tool a module of the workspace's folders defines, and that module's file. */
export interface CatalogTool {
  fn: LoadedTool;
  source: string;
}

const toolName = (fn: LoadedTool): string => fn.toolDefinition?.name || fn.name;

/** One workflow as loaded: its spec, the version of the module it came from, and that file. */
export interface LoadedWorkflow {
  spec: WorkflowSpec;
  version: string;
  file: string;
}

/** What a reload changed, for the event that tells the renderer. */
export interface CatalogChange {
  /** Workflows whose version changed, appeared or went. */
  changed: string[];
  errors: ModuleLoadError[];
}

/**
 * Why a workflow a module defines cannot be run, or null. A missing entry node is refused here,
 * with its name, rather than starting runs that can only stop on their first step.
 */
function workflowProblem(wf: WorkflowSpec, duplicateOf: string | null): string | null {
  if (duplicateOf) return `Workflow '${wf.workflowId}' is defined twice (also in ${duplicateOf}); this copy was ignored.`;
  if (!Object.hasOwn(wf.nodes, wf.entryNode)) {
    const nodes = Object.keys(wf.nodes);
    return `Workflow '${wf.workflowId}' starts at node '${wf.entryNode}', which it does not define (its nodes: ${nodes.length ? nodes.join(', ') : 'none'}); it was not loaded. Fix entryNode or add the node.`;
  }
  return null;
}

/**
 * The workflows a workspace's modules define, across reloads. The registry always holds the
 * newest version that loaded; a module that fails to reload (a syntax error while it is being
 * edited) keeps its previous version loaded, with its error beside it. Each run is pinned to
 * the spec it started with, so a reload never changes the code under a run in progress; the
 * version each run started with is recorded (`record`) so the run can say which, even after a
 * restart, when only the current code is left.
 */
export class WorkflowCatalog {
  /** The current versions, shared with the runtime and the scheduler (mutated in place). */
  readonly registry = new WorkflowRegistry();
  private readonly current = new Map<string, LoadedWorkflow>();
  private readonly pins = new Map<string, { spec: WorkflowSpec; version: string }>();
  /** The tools each module file defines now (a file that failed to reload keeps its last good ones). */
  private toolsByFile = new Map<string, LoadedTool[]>();
  private errors: ModuleLoadError[] = [];

  constructor(
    /** Versions recorded for runs before this session (from the workspace's settings). */
    private readonly recorded: Map<string, string>,
    /** Persists a run's start version (called once per run). */
    private readonly record: (runId: string, version: string) => void,
    /** Told when a run is pinned (the effects pin the run's tools at the same moment). */
    private readonly onPin: (runId: string) => void = () => undefined,
  ) {}

  /** The modules' tools as loaded now, in file order. */
  tools(): CatalogTool[] {
    return [...this.toolsByFile].flatMap(([source, fns]) => fns.map((fn) => ({ fn, source })));
  }

  get loadErrors(): readonly ModuleLoadError[] {
    return this.errors;
  }

  entry(workflowId: string): LoadedWorkflow | null {
    return this.current.get(workflowId) ?? null;
  }

  /** Applies a (re)load of every folder. Files that failed keep what they defined before. */
  apply(result: LoadResult): CatalogChange {
    const failed = new Set(result.errors.map((e) => e.file));
    const next = new Map<string, LoadedWorkflow>();
    const errors: ModuleLoadError[] = [];
    const nextTools = new Map<string, LoadedTool[]>();
    for (const e of result.errors) {
      const kept = [...this.current.values()].filter((w) => w.file === e.file);
      for (const w of kept) next.set(w.spec.workflowId, w);
      const keptTools = this.toolsByFile.get(e.file) ?? [];
      if (keptTools.length) nextTools.set(e.file, keptTools);
      const names = [...kept.map((w) => w.spec.workflowId), ...keptTools.map((fn) => `tool '${toolName(fn)}'`)];
      const note = names.length ? ` (still loaded: the previous version of ${names.join(', ')})` : '';
      errors.push({ ...e, message: `${e.message}${note}` });
    }
    for (const m of result.modules) {
      if (failed.has(m.file)) continue;
      if (m.tools.length) nextTools.set(m.file, m.tools);
      for (const spec of m.workflows) {
        const problem = workflowProblem(spec, next.get(spec.workflowId)?.file ?? null);
        if (problem) errors.push({ file: m.file, line: null, message: problem });
        else next.set(spec.workflowId, { spec, version: m.version, file: m.file });
      }
    }
    const changed = [...new Set([...this.current.keys(), ...next.keys()])].filter((id) => this.current.get(id)?.version !== next.get(id)?.version || this.current.get(id)?.file !== next.get(id)?.file);
    this.current.clear();
    for (const [id, w] of next) this.current.set(id, w);
    for (const id of this.registry.listIds()) this.registry.unregister(id);
    for (const w of next.values()) this.registry.register(w.spec);
    this.toolsByFile = nextTools;
    this.errors = errors;
    return { changed, errors };
  }

  /** Pins a run to the current version of its workflow (at start, or when first driven here). */
  pin(runId: string, workflowId: string): WorkflowSpec | null {
    const pinned = this.pins.get(runId);
    if (pinned) return pinned.spec;
    const cur = this.current.get(workflowId);
    if (!cur) return null;
    this.pins.set(runId, { spec: cur.spec, version: cur.version });
    this.onPin(runId);
    if (!this.recorded.has(runId)) {
      this.recorded.set(runId, cur.version);
      this.record(runId, cur.version);
    }
    return cur.spec;
  }

  /** The spec a run is driven with: the one it was pinned to, else the current one (then pinned). */
  specFor(run: Pick<RunState, 'runId' | 'workflowId'>): WorkflowSpec | null {
    return this.pin(run.runId, run.workflowId);
  }

  versionOf(run: Pick<RunState, 'runId' | 'workflowId'>): RunWorkflowVersion | null {
    const started = this.recorded.get(run.runId);
    if (!started) return null;
    const loaded = this.current.get(run.workflowId)?.version ?? null;
    const pinned = this.pins.get(run.runId)?.version ?? loaded;
    return { started, loaded, keepsStarted: pinned === started };
  }
}
