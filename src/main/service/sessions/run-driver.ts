import { RunStatus, type JsonObject, type Runtime, type RunState, type WorkflowRegistry, type WorkflowSpec } from '../../../runtime/index';
import { StudioError } from '../../../shared/contract/errors';
import { type RunStop } from '../../../shared/contract/run-stop';
import { runStopOf } from '../dto/run-stop-of';
import { movedOnError, stepRefusal, type StepExpectation } from './step-refusal';

/** A paused run's stop that names where it was held: kept beside the workspace across restarts. */
export type HeldStop = Extract<RunStop, { kind: 'breakpoint' | 'stepped' }>;

export interface DriverState {
  paused: string[];
  breakpoints: Record<string, string[]>;
  /** Held runs whose stop is a restore, so they still say so after a restart. */
  heldAfterRestore?: string[];
  /** Paused runs held at a breakpoint or after a Step, with the node: after a restart the header still says which. */
  heldStops?: Record<string, HeldStop>;
}

/** A kept stop as read back from the sidecar: anything else (an older or damaged file) is dropped. */
function heldStopOf(v: unknown): HeldStop | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as { kind?: unknown; node?: unknown };
  return (o.kind === 'breakpoint' || o.kind === 'stepped') && typeof o.node === 'string' ? { kind: o.kind, node: o.node } : null;
}

export type StopListener = (runId: string, stop: RunStop) => void;

export interface RunDriverOptions {
  /**
   * Asked before a drive of a waiting run: resolves a wait whose cause already came while the run
   * was held (a child that completed), so Continue picks it up instead of waiting for ever.
   */
  settle?: (run: RunState) => Promise<void>;
  /** The spec to drive a run with (a workspace pins each run to the version it started with); default: the registry's. */
  workflowOf?: (run: RunState) => WorkflowSpec | null;
}

/**
 * How long a drive runs nodes before it lets the event loop serve requests and push events. The
 * run stays leased across the pause (the runtime's stop predicate may return a promise), so a
 * drive takes one lease however long it is.
 */
const SLICE_MS = 12;

/**
 * The one path by which the Studio moves a run: Step, Continue, start, fork, an answer, an event,
 * a scheduler wake-up (the Scheduler hands woken runs here instead of ticking them), a child
 * finishing, a restore. A drive is one runtime tick under one lease that asks, before every node,
 * whether to stop there: paused by a person, a breakpoint on the node, or the Studio closing.
 * Every drive ends with a stated `RunStop`, which the run header shows.
 */
export class RunDriver {
  private readonly paused: Set<string>;
  private readonly breakpoints: Map<string, Set<string>>;
  private readonly driving = new Map<string, Promise<void>>();
  /** The last stop each run's driver stated; a held run's (breakpoint, Step, restore) is kept beside the workspace too. */
  private readonly stops = new Map<string, RunStop>();
  /** Runs whose drive must end at the next node without a stop of its own (a cancel waits for it). */
  private readonly halting = new Set<string>();
  private readonly listeners = new Set<StopListener>();
  private closed = false;

  constructor(
    private readonly runtime: Runtime,
    private readonly registry: WorkflowRegistry,
    state: DriverState,
    private readonly persist: (state: Required<DriverState>) => void,
    private readonly onError: (runId: string, error: unknown) => void,
    private readonly options: RunDriverOptions = {},
  ) {
    this.paused = new Set(state.paused);
    this.breakpoints = new Map(Object.entries(state.breakpoints).map(([k, v]) => [k, new Set(v)]));
    for (const id of state.heldAfterRestore ?? []) if (this.paused.has(id)) this.stops.set(id, { kind: 'held_after_restore' });
    for (const [id, v] of Object.entries(state.heldStops ?? {})) {
      const stop = heldStopOf(v);
      if (stop && this.paused.has(id) && !this.stops.has(id)) this.stops.set(id, stop);
    }
  }

  isPaused(runId: string): boolean {
    return this.paused.has(runId);
  }

  breakpointsOf(runId: string): string[] {
    return [...(this.breakpoints.get(runId) ?? [])].sort();
  }

  /** Why the run stands still (null while it is being driven). */
  stopOf(run: RunState): RunStop | null {
    const id = run.runId;
    return runStopOf(run, { paused: this.paused.has(id), recorded: this.stops.get(id) ?? null, driving: this.driving.has(id) });
  }

  /**
   * Asked before each node of a child run that its parent's node ticks inline (a start_subworkflow
   * that is not async: Runtime's `childStop`): the child's own Pause and breakpoints hold it there,
   * as they would hold it driven on its own, and its parent waits on it until it ends.
   */
  holdsChild(child: Readonly<RunState>): boolean {
    const id = child.runId;
    if (this.paused.has(id)) {
      this.record(id, this.stops.get(id) ?? { kind: 'paused' });
      return true;
    }
    if (this.breakpoints.get(id)?.has(child.currentNode)) {
      this.paused.add(id);
      this.persist(this.snapshot());
      this.record(id, { kind: 'breakpoint', node: child.currentNode });
      return true;
    }
    return false;
  }

  /** Told each time a run's stop is stated (a drive ended, a pause, a restore). */
  onStop(listener: StopListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  snapshot(): Required<DriverState> {
    return {
      paused: [...this.paused],
      breakpoints: Object.fromEntries([...this.breakpoints].map(([k, v]) => [k, [...v]])),
      heldAfterRestore: [...this.stops].filter(([id, s]) => s.kind === 'held_after_restore' && this.paused.has(id)).map(([id]) => id),
      heldStops: Object.fromEntries(
        [...this.stops].flatMap(([id, s]): [string, HeldStop][] => ((s.kind === 'breakpoint' || s.kind === 'stepped') && this.paused.has(id) ? [[id, s]] : [])),
      ),
    };
  }

  setBreakpoint(runId: string, nodeId: string, enabled: boolean): void {
    const set = this.breakpoints.get(runId) ?? new Set<string>();
    if (enabled) set.add(nodeId);
    else set.delete(nodeId);
    if (set.size > 0) this.breakpoints.set(runId, set);
    else this.breakpoints.delete(runId);
    this.persist(this.snapshot());
  }

  /** Holds the run: a drive under way stops before its next node, saying `why`. */
  pause(runId: string, why: RunStop = { kind: 'paused' }): void {
    this.paused.add(runId);
    this.persist(this.snapshot());
    this.record(runId, why);
  }

  /** Un-pauses and drives the run to its next stop; the node it stands on runs even if it has a breakpoint. */
  continue(runId: string): void {
    this.paused.delete(runId);
    this.persist(this.snapshot());
    this.drive(runId, true);
  }

  /** Drives the run in the background unless it is paused (after start, fork, wake-up, a child's end). */
  kick(runId: string): void {
    if (!this.paused.has(runId)) this.drive(runId, false);
  }

  /**
   * Exactly one node; the run stays held afterwards. With `expect` (where the person saw the run),
   * a run that moved on since is refused with RUN_MOVED_ON: checked under the run's lease, right
   * before the node would run, so it can never step a node the person did not see.
   */
  async step(runId: string, expect?: StepExpectation): Promise<RunState> {
    if (this.driving.has(runId)) {
      this.pause(runId);
      await this.driving.get(runId);
    }
    const run = await this.runtime.getState(runId);
    if (run.status !== RunStatus.RUNNING) throw new StudioError('CONFLICT', stepRefusal(run), { status: run.status });
    this.paused.add(runId);
    this.persist(this.snapshot());
    let ran: string | null = null;
    let movedOn: RunState | null = null;
    const shouldStop = (r: Readonly<RunState>): boolean => {
      if (expect && (r.currentNode !== expect.currentNode || r.updatedAt !== expect.updatedAt)) movedOn = r as RunState;
      else ran = r.currentNode;
      return movedOn !== null;
    };
    const after = await this.guard(runId, () => this.runtime.tick({ workflow: this.workflowOf(run), runId, maxSteps: 1, shouldStop }));
    if (movedOn) throw movedOnError(movedOn, expect!);
    this.record(runId, after.status === RunStatus.RUNNING && ran ? { kind: 'stepped', node: ran } : (this.stopOf(after) ?? { kind: 'paused' }));
    return after;
  }

  /** Resumes a waiting run with a payload (an answer, an event, a fast-forward), then drives it unless held. */
  async resume(args: { workflow: WorkflowSpec; runId: string; waitKey: string | null; payload: JsonObject; actorId: string | null }): Promise<RunState> {
    const resumed = await this.runtime.resume({ ...args, maxSteps: 0 });
    this.kick(args.runId);
    return resumed;
  }

  /** Puts a run back to an earlier state and holds it there until someone presses Continue or Step. */
  async restore(runId: string, state: RunState, options: { actorId: string | null; origin: JsonObject }): Promise<RunState> {
    const held: RunStop = { kind: 'held_after_restore' };
    this.pause(runId, held);
    await this.driving.get(runId);
    const next = await this.runtime.restoreState(runId, state, options);
    this.record(runId, held);
    this.persist(this.snapshot());
    return next;
  }

  /**
   * Runs `work` (a cancel, which must take the runs itself) with every drive stopped at its next
   * node, then drives on those that `work` left running and not held.
   */
  async whileHalted<T>(work: () => Promise<T>): Promise<T> {
    const halted = [...this.driving.keys()];
    for (const id of halted) this.halting.add(id);
    await this.idle();
    try {
      return await work();
    } finally {
      for (const id of halted) this.kick(id);
    }
  }

  forget(runId: string): void {
    this.paused.delete(runId);
    this.breakpoints.delete(runId);
    this.stops.delete(runId);
    this.persist(this.snapshot());
  }

  /** Waits for every background drive to reach its stop (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.driving.size > 0) await Promise.allSettled([...this.driving.values()]);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
  }

  private drive(runId: string, fromHere: boolean): void {
    if (this.driving.has(runId) || this.closed) return;
    this.stops.delete(runId);
    const work = this.guard(runId, () => this.loop(runId, fromHere))
      .then((stop) => {
        if (stop) this.record(runId, stop);
      })
      .catch((e: unknown) => this.onError(runId, e))
      .finally(() => {
        this.driving.delete(runId);
        this.halting.delete(runId);
      });
    this.driving.set(runId, work);
  }

  /** One tick to the next stop. `fromHere`: the node the run stands on runs even with a breakpoint (Continue). */
  private async loop(runId: string, fromHere: boolean): Promise<RunStop | null> {
    let start = await this.runtime.getState(runId);
    if (start.status !== RunStatus.RUNNING && start.status !== RunStatus.WAITING) return this.stopOf(start);
    const skipNode = fromHere && start.status === RunStatus.RUNNING ? start.currentNode : null;
    if (start.status === RunStatus.WAITING && this.options.settle) {
      await this.options.settle(start);
      start = await this.runtime.getState(runId);
    }
    let first = true;
    let stop: RunStop | null = null;
    const decide = (r: Readonly<RunState>): boolean => {
      const skip = first && r.currentNode === skipNode;
      first = false;
      if (this.closed || this.halting.has(runId)) return true;
      if (this.paused.has(runId)) stop = this.stops.get(runId) ?? { kind: 'paused' };
      else if (!skip && this.breakpoints.get(runId)?.has(r.currentNode)) {
        stop = { kind: 'breakpoint', node: r.currentNode };
        this.paused.add(runId);
        this.persist(this.snapshot());
      }
      return stop !== null;
    };
    let sliceEnd = performance.now() + SLICE_MS;
    const shouldStop = (r: Readonly<RunState>): boolean | Promise<boolean> => {
      if (performance.now() < sliceEnd) return decide(r);
      return new Promise((resolve) =>
        setImmediate(() => {
          sliceEnd = performance.now() + SLICE_MS;
          resolve(decide(r));
        }),
      );
    };
    const end = await this.runtime.tick({ workflow: this.workflowOf(start), runId, maxSteps: Number.MAX_SAFE_INTEGER, shouldStop });
    if (stop) return stop;
    return end.status === RunStatus.RUNNING ? null : runStopOf(end, { paused: false, recorded: null, driving: false });
  }

  /** Runs `work`; if it throws, the run's stop says so before the error goes on. */
  private async guard<T>(runId: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (e) {
      if (!(e instanceof StudioError && e.code === 'RUN_MOVED_ON')) this.record(runId, { kind: 'error', message: e instanceof Error ? e.message : String(e) });
      throw e;
    }
  }

  private record(runId: string, stop: RunStop): void {
    this.stops.set(runId, stop);
    for (const l of this.listeners) {
      try {
        l(runId, stop);
      } catch {
        // A listener's failure must not stop the run's driver.
      }
    }
  }

  private workflowOf(run: RunState): WorkflowSpec {
    const wf = this.options.workflowOf ? this.options.workflowOf(run) : this.registry.get(run.workflowId);
    if (!wf) {
      throw new StudioError('NOT_FOUND', `Workflow '${run.workflowId}' of run ${run.runId} is not loaded. Add its module to the workspace's workflow folders and reopen it.`);
    }
    return wf;
  }
}
