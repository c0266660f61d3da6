import { SerialQueue } from '../core/serial-queue';
import { RuntimeError, RunNotWaitingError } from '../errors';
import { RunStatus, WaitReason } from '../core/enums';
import { type RunState } from '../core/models';
import { type Runtime } from '../core/runtime';
import { type RuntimeEvent } from '../core/runtime-events';
import { isJsonObject, type JsonObject, type JsonValue } from '../json/json-value';
import { formatIsoTimestamp, parseIsoTimestamp } from '../json/timestamp';
import { hasWaitUntilTimes, isQueryableRunStore, type QueryableRunStore } from '../storage/run-store';
import { WakeTimer } from './wake-timer';
import { type WorkflowRegistry } from './workflow-registry';

export class SchedulerError extends RuntimeError {}

export interface SchedulerStats {
  runsResumed: number;
  runsFailed: number;
  pollCycles: number;
  lastPollAt: string | null;
  /** `"<iso>: <message>"`, the last `maxErrorsKept`. */
  errors: string[];
}

export interface SchedulerOptions {
  runtime: Runtime;
  registry: WorkflowRegistry;
  /** Safety-net poll, for runs changed by another process. Due runs of this process wake on their own timer. */
  pollIntervalS?: number;
  maxErrorsKept?: number;
  onRunResumed?: (run: RunState) => void;
  onRunFailed?: (runId: string, error: unknown) => void;
  /** Resume a waiting parent when its child completes (default true). */
  autoResumeParents?: boolean;
  /** Runs the host holds (e.g. paused in a debugger): the scheduler never advances them. */
  isHeld?: (runId: string) => boolean;
  /**
   * A host that drives runs itself (a debugger honouring breakpoints and pause): a woken run is
   * handed to it instead of ticked here. For a due `wait_until` the run is handed over still
   * waiting (the host's tick wakes it); a parent whose child completed, or a run resumed by an
   * event, is resumed without running a node and then handed over. Awaited, so it should return
   * once the drive is under way, not when it ends. With it, the Scheduler never ticks a run.
   */
  drive?: (runId: string) => void | Promise<void>;
}

/**
 * Drives waiting runs: wakes `wait_until` runs at their due time (a timer per earliest due run,
 * rather than the reference's one-second poll), resumes events on request, and resumes a parent
 * waiting on a subworkflow when the child completes (the reference left that to the host).
 */
export class Scheduler {
  readonly runtime: Runtime;
  readonly registry: WorkflowRegistry;
  readonly pollIntervalS: number;
  private readonly store: QueryableRunStore;
  private readonly maxErrorsKept: number;
  private readonly opts: SchedulerOptions;
  private readonly _stats: SchedulerStats = { runsResumed: 0, runsFailed: 0, pollCycles: 0, lastPollAt: null, errors: [] };
  private running = false;
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly wake: WakeTimer;
  private readonly polls = new SerialQueue();

  constructor(options: SchedulerOptions) {
    if (!isQueryableRunStore(options.runtime.runStore)) {
      throw new SchedulerError(
        'STORE_NOT_QUERYABLE',
        'Scheduler requires a run store with listRuns, listDueWaitUntil and listChildren (a QueryableRunStore).',
      );
    }
    this.runtime = options.runtime;
    this.registry = options.registry;
    this.store = options.runtime.runStore;
    this.pollIntervalS = options.pollIntervalS ?? 1.0;
    this.maxErrorsKept = options.maxErrorsKept ?? 100;
    this.opts = options;
    this.wake = new WakeTimer(() => this.runtime.clock.nowMicros(), () => void this.pollOnce());
  }

  get isRunning(): boolean {
    return this.running;
  }

  get stats(): SchedulerStats {
    return { ...this._stats, errors: [...this._stats.errors] };
  }

  start(): void {
    if (this.running) throw new SchedulerError('SCHEDULER_RUNNING', 'Scheduler is already running');
    this.running = true;
    this.unsubscribe = this.runtime.onEvent((e) => this.onRuntimeEvent(e));
    this.pollTimer = setInterval(() => void this.pollOnce(), Math.max(1, this.pollIntervalS * 1000));
    this.pollTimer.unref?.();
    void this.catchUp();
  }

  /** Stops timers; a poll cycle already running finishes. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.wake.clear();
    await this.polls.idle();
  }

  /** One poll cycle by hand: ticks every due `wait_until` run. Returns how many were resumed. */
  pollOnce(): Promise<number> {
    // Cycles never overlap: a timer firing during a cycle waits for it, then runs its own.
    return this.polls.run(() => this.pollCycle());
  }

  private async pollCycle(): Promise<number> {
    this._stats.pollCycles++;
    const now = this.runtime.nowIso();
    this._stats.lastPollAt = now;
    let resumed = 0;
    // Timers call this with `void`: it must never reject (a store error is recorded, not thrown).
    try {
      for (const due of await this.store.listDueWaitUntil({ nowIso: now, limit: 100 })) {
        if (await this.tickDue(due)) resumed++;
      }
      if (this.running) await this.scheduleNextWake(now);
    } catch (e) {
      this.recordError(`Poll cycle error: ${message(e)}`);
    }
    return resumed;
  }

  private async tickDue(due: RunState): Promise<boolean> {
    if (this.opts.isHeld?.(due.runId)) return false;
    try {
      const workflow = this.registry.getOrRaise(due.workflowId);
      if (this.opts.drive) {
        await this.opts.drive(due.runId);
        this._stats.runsResumed++;
        return true;
      }
      const state = await this.runtime.tick({ workflow, runId: due.runId });
      this._stats.runsResumed++;
      safeCall(() => this.opts.onRunResumed?.(state));
      return true;
    } catch (e) {
      this._stats.runsFailed++;
      this.recordError(`Run ${due.runId}: ${message(e)}`);
      safeCall(() => this.opts.onRunFailed?.(due.runId, e));
      return false;
    }
  }

  /**
   * Arms the wake timer for the earliest `wait_until` still in the future. Runs already due but
   * not resumed (held, or failing) are left to the regular poll, so they cannot spin the timer.
   */
  private async scheduleNextWake(cycleNow: string): Promise<void> {
    const upcoming = hasWaitUntilTimes(this.store)
      ? await this.store.listWaitUntilTimes({ limit: 200 })
      : // The due query sorts by `until`; with a far-future "now" it lists the earliest waits first.
        (await this.store.listDueWaitUntil({ nowIso: '9999-12-31T23:59:59.999999+00:00', limit: 200 })).map((r) => ({ runId: r.runId, until: r.waiting?.until ?? '' }));
    const next = upcoming.find((r) => r.until > cycleNow && !this.opts.isHeld?.(r.runId));
    const due = next ? parseIsoTimestamp(next.until) : null;
    if (due !== null) this.wake.at(due);
  }

  private noteUntil(run: RunState): void {
    const until = run.waiting?.until;
    if (!until) return;
    const due = parseIsoTimestamp(until);
    if (due !== null) this.wake.at(due);
  }

  private onRuntimeEvent(e: RuntimeEvent): void {
    if (!this.running || e.type !== 'run-saved') return;
    const run = e.run;
    if (run.status === RunStatus.WAITING && run.waiting?.reason === WaitReason.UNTIL) this.noteUntil(run);
    if (run.status === RunStatus.COMPLETED && run.parentRunId && this.opts.autoResumeParents !== false) {
      const { runId, output } = run;
      // After the child's commit and outside its lock: the parent may be mid-tick right now.
      setImmediate(() => void this.resumeParentQuietly(runId, output));
    }
  }

  private async resumeParentQuietly(childRunId: string, output: JsonObject | null): Promise<void> {
    try {
      await this.resumeSubworkflowParent({ childRunId, childOutput: output });
    } catch (e) {
      // The parent was seen waiting on this child, but someone resumed it before we took the
      // run (the host, by hand): it no longer waits on the child, and that is not an error.
      if (e instanceof RuntimeError && (e.code === 'RUN_NOT_WAITING' || e.code === 'WAIT_KEY_MISMATCH')) return;
      this.recordError(`Resume parent of ${childRunId}: ${message(e)}`);
    }
  }

  /** At start: arm timers and resume parents whose children completed while nobody was watching. */
  private async catchUp(): Promise<void> {
    try {
      await this.pollOnce();
      const parents = await this.store.listRuns({ status: RunStatus.WAITING, waitReason: WaitReason.SUBWORKFLOW, limit: 100_000 });
      for (const p of parents) {
        const childId = subRunId(p);
        const child = childId ? await this.store.load(childId) : null;
        if (child?.status === RunStatus.COMPLETED && this.opts.autoResumeParents !== false) {
          await this.resumeParentQuietly(child.runId, child.output);
        }
      }
    } catch (e) {
      this.recordError(`Start-up catch-up: ${message(e)}`);
    }
  }

  async resumeEvent(args: { runId: string; waitKey: string | null; payload: JsonObject; actorId?: string | null }): Promise<RunState> {
    const run = await this.runtime.getState(args.runId);
    if (run.status !== RunStatus.WAITING) throw new RunNotWaitingError(args.runId, `Run '${args.runId}' is not waiting (status=${run.status})`);
    if (!run.waiting) throw new RunNotWaitingError(args.runId, `Run '${args.runId}' has no waiting state`);
    const workflow = this.registry.getOrRaise(run.workflowId);
    return this.resumeAndDrive({ workflow, runId: args.runId, waitKey: args.waitKey, payload: args.payload, actorId: args.actorId ?? null });
  }

  /** Resumes a run; with a host `drive`, runs no node here and hands the run over. */
  private async resumeAndDrive(options: Parameters<Runtime['resume']>[0]): Promise<RunState> {
    if (!this.opts.drive) return this.runtime.resume(options);
    const state = await this.runtime.resume({ ...options, maxSteps: 0 });
    await this.opts.drive(options.runId);
    return state;
  }

  findWaitingRuns(args: { waitReason?: WaitReason | null; workflowId?: string | null; limit?: number } = {}): Promise<RunState[]> {
    return this.store.listRuns({ status: RunStatus.WAITING, waitReason: args.waitReason ?? null, workflowId: args.workflowId ?? null, limit: args.limit ?? 100 });
  }

  /** Resumes the parent waiting on this child with `{sub_run_id, output}`; null when no parent waits on it. */
  async resumeSubworkflowParent(args: { childRunId: string; childOutput: JsonObject | null; actorId?: string | null }): Promise<RunState | null> {
    const child = await this.store.load(args.childRunId);
    let parent: RunState | null = null;
    if (child?.parentRunId) {
      const p = await this.store.load(child.parentRunId);
      if (p && isWaitingOn(p, args.childRunId)) parent = p;
    }
    if (!parent) {
      const waiting = await this.store.listRuns({ status: RunStatus.WAITING, limit: 1000 });
      parent = waiting.find((r) => isWaitingOn(r, args.childRunId)) ?? null;
    }
    if (!parent || this.opts.isHeld?.(parent.runId)) return null;
    const workflow = this.registry.getOrRaise(parent.workflowId);
    const payload: JsonObject = { sub_run_id: args.childRunId, output: args.childOutput };
    return this.resumeAndDrive({ workflow, runId: parent.runId, waitKey: parent.waiting?.waitKey ?? null, payload, actorId: args.actorId ?? null });
  }

  /**
   * Cancels a run and, breadth first, its running or waiting descendants. Returns every run that
   * is cancelled afterwards (including one that already was, as the reference does).
   */
  async cancelWithChildren(runId: string, options: { reason?: string | null; actorId?: string | null } = {}): Promise<RunState[]> {
    const out: RunState[] = [];
    const queue = [runId];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const id = queue.shift() as string;
      if (seen.has(id)) continue;
      seen.add(id);
      let state: RunState;
      try {
        state = await this.runtime.cancelRun(id, options);
      } catch (e) {
        if (e instanceof RuntimeError && e.code === 'UNKNOWN_RUN') continue;
        throw e;
      }
      if (state.status === RunStatus.CANCELLED) out.push(state);
      for (const c of await this.store.listChildren({ parentRunId: id })) {
        if (c.status === RunStatus.RUNNING || c.status === RunStatus.WAITING) queue.push(c.runId);
      }
    }
    return out;
  }

  private recordError(msg: string): void {
    this._stats.errors.push(`${formatIsoTimestamp(this.runtime.clock.nowMicros())}: ${msg}`);
    const extra = this._stats.errors.length - this.maxErrorsKept;
    if (extra > 0) this._stats.errors.splice(0, extra);
  }
}

function subRunId(run: RunState): string | null {
  const d: JsonValue | undefined = run.waiting?.details?.['sub_run_id'];
  return typeof d === 'string' ? d : null;
}

function isWaitingOn(run: RunState, childRunId: string): boolean {
  return run.status === RunStatus.WAITING && run.waiting?.reason === WaitReason.SUBWORKFLOW && isJsonObject(run.waiting.details) && subRunId(run) === childRunId;
}

const message = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function safeCall(fn: () => void): void {
  try {
    fn();
  } catch {
    // Callbacks are the host's; their exceptions are swallowed, as in the reference.
  }
}
