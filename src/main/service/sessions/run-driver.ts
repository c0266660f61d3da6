import { RunStatus, type Runtime, type RunState, type WorkflowRegistry } from '../../../runtime/index';
import { StudioError } from '../../../shared/contract/errors';

export interface DriverState {
  paused: string[];
  breakpoints: Record<string, string[]>;
}

/**
 * Advances runs for the Studio, one node per tick, so a person can pause a run, step it node by
 * node and stop it at breakpoints. A paused run is never advanced by anyone but a step: the
 * scheduler asks `isHeld` before waking it. Runs not paused are driven to their next stop
 * (waiting, finished, paused, or a breakpoint) in the background, yielding to the event loop
 * between steps so the window stays responsive.
 */
export class RunDriver {
  private readonly paused: Set<string>;
  private readonly breakpoints: Map<string, Set<string>>;
  private readonly driving = new Map<string, Promise<void>>();
  private closed = false;

  constructor(
    private readonly runtime: Runtime,
    private readonly registry: WorkflowRegistry,
    state: DriverState,
    private readonly persist: (state: DriverState) => void,
    private readonly onError: (runId: string, error: unknown) => void,
  ) {
    this.paused = new Set(state.paused);
    this.breakpoints = new Map(Object.entries(state.breakpoints).map(([k, v]) => [k, new Set(v)]));
  }

  isPaused(runId: string): boolean {
    return this.paused.has(runId);
  }

  breakpointsOf(runId: string): string[] {
    return [...(this.breakpoints.get(runId) ?? [])].sort();
  }

  snapshot(): DriverState {
    return { paused: [...this.paused], breakpoints: Object.fromEntries([...this.breakpoints].map(([k, v]) => [k, [...v]])) };
  }

  setBreakpoint(runId: string, nodeId: string, enabled: boolean): void {
    const set = this.breakpoints.get(runId) ?? new Set<string>();
    if (enabled) set.add(nodeId);
    else set.delete(nodeId);
    if (set.size > 0) this.breakpoints.set(runId, set);
    else this.breakpoints.delete(runId);
    this.persist(this.snapshot());
  }

  pause(runId: string): void {
    this.paused.add(runId);
    this.persist(this.snapshot());
  }

  /** Un-pauses and drives the run to its next stop; the node it stands on runs even if it has a breakpoint. */
  continue(runId: string): void {
    this.paused.delete(runId);
    this.persist(this.snapshot());
    this.drive(runId, true);
  }

  /** Exactly one node. The run stays paused afterwards. */
  async step(runId: string): Promise<RunState> {
    await this.driving.get(runId);
    const run = await this.runtime.getState(runId);
    if (run.status !== RunStatus.RUNNING) {
      throw new StudioError('CONFLICT', stepRefusal(run), { status: run.status });
    }
    this.paused.add(runId);
    this.persist(this.snapshot());
    return this.runtime.tick({ workflow: this.workflowOf(run), runId, maxSteps: 1 });
  }

  /** Drives the run in the background unless it is paused (use after start, resume, wake-up). */
  kick(runId: string): void {
    if (!this.paused.has(runId)) this.drive(runId, false);
  }

  forget(runId: string): void {
    this.paused.delete(runId);
    this.breakpoints.delete(runId);
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

  private drive(runId: string, skipFirstBreakpoint: boolean): void {
    if (this.driving.has(runId) || this.closed) return;
    const work = this.loop(runId, skipFirstBreakpoint)
      .catch((e: unknown) => this.onError(runId, e))
      .finally(() => this.driving.delete(runId));
    this.driving.set(runId, work);
  }

  private async loop(runId: string, skipFirstBreakpoint: boolean): Promise<void> {
    let first = true;
    for (;;) {
      if (this.closed || this.paused.has(runId)) return;
      const run = await this.runtime.getState(runId);
      if (run.status !== RunStatus.RUNNING) return;
      if (this.breakpoints.get(runId)?.has(run.currentNode) && !(first && skipFirstBreakpoint)) {
        this.pause(runId);
        return;
      }
      first = false;
      await this.runtime.tick({ workflow: this.workflowOf(run), runId, maxSteps: 1 });
      // Yield so requests and events are served between steps of a long loop.
      await new Promise((r) => setImmediate(r));
    }
  }

  private workflowOf(run: RunState) {
    const wf = this.registry.get(run.workflowId);
    if (!wf) {
      throw new StudioError('NOT_FOUND', `Workflow '${run.workflowId}' of run ${run.runId} is not loaded. Add its module to the workspace's workflow folders and reopen it.`);
    }
    return wf;
  }
}

function stepRefusal(run: RunState): string {
  if (run.status === RunStatus.WAITING) {
    const w = run.waiting;
    const what = w?.reason === 'until' ? `a time (${w.until}); fast-forward it to go on` : w?.reason === 'user' ? 'an answer; answer it in the inbox' : `${w?.reason ?? 'something'} (${w?.waitKey ?? ''}); resume it to go on`;
    return `Run ${run.runId} is waiting for ${what}.`;
  }
  return `Run ${run.runId} is ${run.status}: there is nothing left to step.`;
}
