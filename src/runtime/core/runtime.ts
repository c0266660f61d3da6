import { randomUUID } from 'node:crypto';
import { type ArtifactStore } from '../artifacts/artifact-store';
import { InvalidArgumentError, InvalidStepPlanError, NotJsonSerializableError, RunNotWaitingError, UnknownRunError, WaitKeyMismatchError } from '../errors';
import { assertJsonValue, isJsonObject, type JsonObject, type JsonValue } from '../json/json-value';
import { formatIsoTimestamp, systemClock, type Clock } from '../json/timestamp';
import { type WorkflowRegistry } from '../scheduler/workflow-registry';
import { findCompletedRecord, type LedgerStore } from '../storage/ledger-store';
import { isAtomicStepStore, isLeasingRunStore, type AtomicStepStore, type RunStore } from '../storage/run-store';
import { askUserHandler, makeSubworkflowHandler, waitEventHandler, waitUntilHandler } from './builtin-effects';
import { RuntimeConfig } from './config';
import { type EffectHandler } from './effect-handler';
import { EffectExecutor } from './effect-executor';
import { EffectType, RunStatus, TERMINAL_STATUSES, WaitReason } from './enums';
import { ALLOWED_LIMIT_KEYS, checkLimits, limitStatus, type LimitStatus, type LimitWarning } from './limits';
import { cloneRunState, type RunState, type StepPlan, type StepRecord } from './models';
import { EffectOutcome } from './outcome';
import { DefaultEffectPolicy, type EffectPolicy } from './policy';
import { withRunLock } from './run-lock';

import { RuntimeEvents, type RuntimeListener } from './runtime-events';
import { RunTracing } from '../telemetry/run-tracing';
import { type RunContext, type WorkflowSpec } from './spec';
import { completionRecord, interventionRecord } from './step-records';
import { setNested } from './vars';
import { type ResumeOptions, type RuntimeOptions, type StartOptions, type StopPredicate, type TickOptions } from './runtime-options';

export type { ResumeOptions, RuntimeOptions, StartOptions, StopPredicate, TickOptions };

const defaultSleep = (seconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

/**
 * The durable workflow runtime: `start`, `tick`, `resume`, `cancelRun`, as AbstractRuntime 0.2.0,
 * with these deliberate differences (each documented where it happens):
 * - a CANCELLED run is terminal for `tick`;
 * - a completed effect result is reused only to recover the same visit of a node after a restart
 *   (the first step this Runtime takes for the run), never when a loop comes back to a node with
 *   the same payload;
 * - `resume` and `cancelRun` write a ledger record (who answered what, who cancelled and why);
 * - ticks of one run never interleave inside a process;
 * - with a store that commits atomically (the SQLite workspace), a step's state and its ledger
 *   records are committed in one transaction.
 */
export class Runtime {
  readonly runStore: RunStore;
  readonly ledgerStore: LedgerStore;
  readonly config: RuntimeConfig;
  readonly clock: Clock;
  readonly events = new RuntimeEvents();
  /** OpenTelemetry spans of what each commit made durable (see telemetry/run-tracing). */
  readonly tracing: RunTracing;
  private _workflowRegistry: WorkflowRegistry | null;
  private _artifactStore: ArtifactStore | null;
  private _effectPolicy: EffectPolicy;
  private readonly handlers = new Map<string, EffectHandler>();
  private readonly ctx: RunContext;
  private readonly newId: () => string;
  private readonly executor: EffectExecutor;
  private lastMicros = 0;
  /** Runs this instance has moved at least once: their completed results are never reused again. */
  private readonly moved = new Set<string>();
  private readonly inFlight = new Map<string, AbortController>();
  private readonly cancelRequests = new Map<string, { reason: string; actorId: string | null; via: JsonObject | null }>();

  constructor(options: RuntimeOptions) {
    this.runStore = options.runStore;
    this.ledgerStore = options.ledgerStore;
    this.config = options.config ?? new RuntimeConfig();
    this.clock = options.clock ?? systemClock;
    this.newId = options.newId ?? randomUUID;
    this._workflowRegistry = options.workflowRegistry ?? null;
    this._artifactStore = options.artifactStore ?? null;
    this._effectPolicy = options.effectPolicy ?? new DefaultEffectPolicy();
    this.tracing = new RunTracing({ tracerProvider: options.tracerProvider, ledgerStore: options.ledgerStore, onLink: options.onTraceLink });
    const currentArtifactStore = (): ArtifactStore | null => this._artifactStore;
    this.ctx = options.context ?? {
      nowIso: () => this.nowIso(),
      get artifactStore() {
        return currentArtifactStore();
      },
    };
    this.handlers.set(EffectType.WAIT_EVENT, waitEventHandler);
    this.handlers.set(EffectType.WAIT_UNTIL, waitUntilHandler);
    this.handlers.set(EffectType.ASK_USER, askUserHandler);
    this.handlers.set(
      EffectType.START_SUBWORKFLOW,
      makeSubworkflowHandler({
        lookupWorkflow: (id) => (this._workflowRegistry ? this._workflowRegistry.get(id) : 'no-registry'),
        startChild: ({ workflow, vars, parent }) =>
          this.start({ workflow, vars, actorId: parent.actorId, sessionId: parent.sessionId, parentRunId: parent.runId }),
        tickChild: async (workflow, childId) => {
          const childStop = options.childStop;
          if (!childStop) return { run: await this.tick({ workflow, runId: childId }), held: false };
          let held = false;
          const shouldStop: StopPredicate = (r) => {
            const v = childStop(r);
            if (v === true || v === false) return (held = v);
            return v.then((b) => (held = b));
          };
          return { run: await this.tick({ workflow, runId: childId, shouldStop }), held };
        },
      }),
    );
    for (const [type, handler] of Object.entries(options.effectHandlers ?? {})) if (handler) this.handlers.set(type, handler);
    this.executor = new EffectExecutor({
      handlers: this.handlers,
      policy: () => this._effectPolicy,
      nowIso: () => this.nowIso(),
      newId: this.newId,
      sleep: options.sleep ?? defaultSleep,
      commit: (records) => this.commit(null, records),
      writeAhead: () => options.writeAhead ?? !this.isAtomic(),
    });
  }

  get workflowRegistry(): WorkflowRegistry | null {
    return this._workflowRegistry;
  }
  setWorkflowRegistry(registry: WorkflowRegistry | null): void {
    this._workflowRegistry = registry;
  }
  get artifactStore(): ArtifactStore | null {
    return this._artifactStore;
  }
  setArtifactStore(store: ArtifactStore | null): void {
    this._artifactStore = store;
  }
  get effectPolicy(): EffectPolicy {
    return this._effectPolicy;
  }
  setEffectPolicy(policy: EffectPolicy): void {
    this._effectPolicy = policy;
  }

  /**
   * Runs `work` with the run to ourselves: serialised with any other work on the run in this
   * process, and leased from the store when the store is shared between processes.
   */
  private exclusive<T>(runId: string, work: () => Promise<T>): Promise<T> {
    return withRunLock(this.runStore, runId, async () => {
      if (!isLeasingRunStore(this.runStore)) return work();
      const lease = await this.runStore.acquireRunLease(runId);
      try {
        return await work();
      } finally {
        await lease.release();
      }
    });
  }

  /** Subscribe to durable changes (after each commit). Returns the unsubscribe function. */
  onEvent(listener: RuntimeListener): () => void {
    return this.events.on(listener);
  }

  /** Now, in Python's isoformat; never goes backwards and never repeats within this runtime. */
  nowIso(): string {
    const now = this.clock.nowMicros();
    this.lastMicros = now > this.lastMicros ? now : this.lastMicros + 1;
    return formatIsoTimestamp(this.lastMicros);
  }

  async start(options: StartOptions): Promise<string> {
    const vars: JsonObject = { ...(options.vars ?? {}) };
    assertJsonValue(vars, 'vars');
    if (!('_limits' in vars)) vars['_limits'] = this.config.toLimitsDict();
    const runId = this.newId();
    const createdAt = this.nowIso();
    const run: RunState = {
      runId,
      workflowId: options.workflow.workflowId,
      status: RunStatus.RUNNING,
      currentNode: options.workflow.entryNode,
      vars,
      waiting: null,
      output: null,
      error: null,
      createdAt,
      updatedAt: this.nowIso(),
      actorId: options.actorId ?? null,
      sessionId: options.sessionId ?? null,
      parentRunId: options.parentRunId ?? null,
    };
    await this.commit(run, []);
    this.moved.add(runId);
    return runId;
  }

  async getState(runId: string): Promise<RunState> {
    const run = await this.runStore.load(runId);
    if (!run) throw new UnknownRunError(runId);
    return run;
  }

  getLedger(runId: string): Promise<StepRecord[]> {
    return this.ledgerStore.list(runId);
  }

  /**
   * Advances a run by up to `maxSteps` nodes under one lease. `shouldStop`, when given, is asked
   * before every node (the first included) with the state about to run: true ends the tick there,
   * with that node not run, so a host can stop exactly before a node it names (a breakpoint) or
   * when a person pauses. It may return a promise, which lets a host yield to its event loop
   * between nodes without giving up the run.
   */
  tick(options: TickOptions): Promise<RunState> {
    return this.exclusive(options.runId, () => this.tickUnlocked(options.workflow, options.runId, options.maxSteps ?? 100, options.shouldStop));
  }

  private async tickUnlocked(workflow: WorkflowSpec, runId: string, maxSteps: number, shouldStop?: StopPredicate): Promise<RunState> {
    const run = await this.getState(runId);
    if (TERMINAL_STATUSES.has(run.status)) return run;
    let unblocked = false;
    if (run.status === RunStatus.WAITING) {
      const w = run.waiting;
      // Auto-unblock a due wait_until. Not saved yet, and result_key is not written (reference behaviour).
      if (!(w && w.reason === WaitReason.UNTIL && w.until && this.nowIso() >= w.until)) return run;
      run.status = RunStatus.RUNNING;
      run.waiting = null;
      if (w.resumeToNode) run.currentNode = w.resumeToNode;
      this.moved.add(runId);
      unblocked = true;
    }
    for (let steps = 0; steps < maxSteps; steps++) {
      if (shouldStop) {
        // Awaited only when it is a promise: a plain answer costs no microtask on the hot path.
        const verdict = shouldStop(run);
        if (verdict === true || (verdict !== false && (await verdict))) break;
      }
      unblocked = false;
      if (await this.step(workflow, run)) return run;
    }
    // The reference saves an unblocked run only at its next step; when no step ran (maxSteps 0,
    // or the host stopped before the first node) the unblocked state must not be lost.
    if (unblocked) await this.saveMoved(run, []);
    return run;
  }

  /** One node. Returns true when the tick must stop (completed, waiting, failed). */
  private async step(workflow: WorkflowSpec, run: RunState): Promise<boolean> {
    const plan = await workflow.getNode(run.currentNode)(run, this.ctx);
    if (plan.completeOutput !== undefined && plan.completeOutput !== null) {
      await this.complete(run, plan);
      return true;
    }
    const effect = plan.effect ?? null;
    if (!effect) {
      if (!plan.nextNode) throw new InvalidStepPlanError(`Node '${plan.nodeId}' returned no effect and no next_node`, plan.nodeId);
      run.currentNode = plan.nextNode;
      await this.saveMoved(run, []);
      return false;
    }
    let key: string;
    try {
      // Computing the key serialises the payload, which rejects anything that is not JSON.
      key = this._effectPolicy.idempotencyKey({ run, nodeId: plan.nodeId, effect });
    } catch (e) {
      assertJsonValue(effect.payload ?? {}, `effect payload of node '${plan.nodeId}'`); // the precise path
      throw e;
    }
    const { outcome, pending } = await this.runEffect(run, plan, key);
    const cancel = this.cancelRequests.get(run.runId);
    if (cancel) {
      this.cancelRequests.delete(run.runId);
      await this.applyCancel(run, cancel, pending);
      return true;
    }
    if (outcome.status === 'failed') {
      run.status = RunStatus.FAILED;
      run.error = outcome.error || 'unknown error';
      await this.saveMoved(run, pending);
      return true;
    }
    if (outcome.status === 'waiting') {
      run.status = RunStatus.WAITING;
      run.waiting = outcome.wait;
      await this.saveMoved(run, pending);
      return true;
    }
    if (effect.resultKey && outcome.result !== null) setNested(run.vars, effect.resultKey, outcome.result);
    if (!plan.nextNode) {
      await this.commit(null, pending); // the effect ran: keep its record even though the plan is invalid
      throw new InvalidStepPlanError(`Node '${plan.nodeId}' executed effect but did not specify next_node`, plan.nodeId);
    }
    run.currentNode = plan.nextNode;
    await this.saveMoved(run, pending);
    return false;
  }

  private async runEffect(run: RunState, plan: StepPlan, key: string): Promise<{ outcome: EffectOutcome; pending: StepRecord[] }> {
    // Reuse a completed result only when recovering: this Runtime has not moved the run yet, so the
    // run is where a previous process left it (its state save may have been lost after the effect ran).
    if (!this.moved.has(run.runId)) {
      const prior = await findCompletedRecord(this.ledgerStore, run.runId, key);
      if (prior) return { outcome: EffectOutcome.completed(prior.result), pending: [] };
    }
    const controller = new AbortController();
    this.inFlight.set(run.runId, controller);
    try {
      return await this.executor.execute(run, plan.nodeId, plan.effect as NonNullable<StepPlan['effect']>, plan.nextNode ?? null, key, controller.signal);
    } finally {
      this.inFlight.delete(run.runId);
    }
  }

  private async complete(run: RunState, plan: StepPlan): Promise<void> {
    const output = plan.completeOutput as JsonObject;
    assertJsonValue(output, `complete_output of node '${plan.nodeId}'`);
    run.status = RunStatus.COMPLETED;
    run.output = output;
    run.updatedAt = this.nowIso();
    const stepId = this.newId();
    const startedAt = this.nowIso();
    const rec = completionRecord({ run, nodeId: plan.nodeId, stepId, startedAt, endedAt: this.nowIso() });
    await this.commit(run, [rec]);
    this.moved.add(run.runId);
  }

  private async saveMoved(run: RunState, records: StepRecord[]): Promise<void> {
    run.updatedAt = this.nowIso();
    await this.commit(run, records);
    this.moved.add(run.runId);
  }

  private isAtomic(): boolean {
    return isAtomicStepStore(this.runStore) && this.runStore.ownsLedger(this.ledgerStore);
  }

  /**
   * Make a step durable: the ledger records, then the state. With an atomic store both go in one
   * transaction; otherwise records first, so a crash in between is recovered by idempotency.
   */
  private async commit(run: RunState | null, records: StepRecord[]): Promise<void> {
    // No separate JSON check of run.vars here: every store serialises or clones the state with
    // a check (NotJsonSerializableError naming the path) before anything of the state is kept.
    if (this.isAtomic()) {
      await (this.runStore as AtomicStepStore).commitStep(run, records);
    } else {
      for (const r of records) await this.ledgerStore.append(r);
      if (run) await this.runStore.save(run);
    }
    this.tracing.committed(run, records);
    if (this.events.size === 0) return; // nobody listens: skip the copies (hot path)
    if (records.length > 0) this.events.emit({ type: 'records-appended', runId: records[0]!.runId, records: records.map((r) => ({ ...r })) });
    if (run) this.events.emit({ type: 'run-saved', run: cloneRunState(run) });
  }

  resume(options: ResumeOptions): Promise<RunState> {
    return this.exclusive(options.runId, async () => {
      const run = await this.getState(options.runId);
      const w = run.waiting;
      if (run.status !== RunStatus.WAITING || !w) throw new RunNotWaitingError(options.runId);
      if (options.waitKey !== null && options.waitKey !== undefined && w.waitKey !== null && options.waitKey !== w.waitKey) {
        throw new WaitKeyMismatchError(w.waitKey, options.waitKey);
      }
      const payload = options.payload;
      if (!isJsonObject(payload)) throw new NotJsonSerializableError('resume payload', '$', 'it must be a JSON object');
      assertJsonValue(payload, 'resume payload');
      const rec = this.resumeRecord(run, payload, options.actorId, options.via ?? null);
      if (w.resultKey) setNested(run.vars, w.resultKey, payload);
      run.status = RunStatus.RUNNING;
      run.waiting = null;
      // Reference quirk kept: with no resume target, the waiting node runs again.
      if (w.resumeToNode) run.currentNode = w.resumeToNode;
      run.updatedAt = this.nowIso();
      await this.commit(run, [rec]);
      this.moved.add(run.runId);
      return this.tickUnlocked(options.workflow, options.runId, options.maxSteps ?? 100, options.shouldStop);
    });
  }

  /** The ledger record of a resume: who answered which wait, and with what. */
  private resumeRecord(run: RunState, payload: JsonObject, actorId: string | null | undefined, via: JsonObject | null): StepRecord {
    const w = run.waiting!;
    const result: JsonObject = { resume: { reason: w.reason, wait_key: w.waitKey, payload } };
    if (via) result['via'] = via;
    return interventionRecord({ run, stepId: this.newId(), at: this.nowIso(), actorId, result });
  }

  /** Cancels a run that is not finished; aborts its in-flight effect. Recorded in the ledger. */
  async cancelRun(runId: string, options: { reason?: string | null; actorId?: string | null; via?: JsonObject | null } = {}): Promise<RunState> {
    const request = { reason: options.reason || 'Cancelled', actorId: options.actorId ?? null, via: options.via ?? null };
    const inFlight = this.inFlight.get(runId);
    if (inFlight) {
      // The tick that owns the run sees the request when its effect returns and cancels the run itself.
      this.cancelRequests.set(runId, request);
      inFlight.abort(new Error(request.reason));
    }
    return this.exclusive(runId, async () => {
      this.cancelRequests.delete(runId);
      const run = await this.getState(runId);
      if (TERMINAL_STATUSES.has(run.status)) return run;
      await this.applyCancel(run, request, []);
      return run;
    });
  }

  private async applyCancel(run: RunState, request: { reason: string; actorId: string | null; via?: JsonObject | null }, pending: StepRecord[]): Promise<void> {
    const result: JsonObject = { cancelled: { reason: request.reason, previous_status: run.status } };
    if (request.via) result['via'] = request.via;
    const rec = interventionRecord({ run, stepId: this.newId(), at: this.nowIso(), actorId: request.actorId, result });
    run.status = RunStatus.CANCELLED;
    run.error = request.reason;
    run.waiting = null;
    run.updatedAt = this.nowIso();
    await this.commit(run, [...pending, rec]);
    this.moved.add(run.runId);
  }

  /**
   * Puts a run back to an earlier state (a snapshot, or a step of its history), recorded in the
   * ledger as `result.restored` with where it came from and who did it. Not in the reference,
   * where restore was left to hosts writing the run store directly (and left no trace).
   */
  restoreState(runId: string, state: RunState, options: { actorId?: string | null; origin?: JsonObject; via?: JsonObject | null } = {}): Promise<RunState> {
    return this.exclusive(runId, async () => {
      const current = await this.getState(runId);
      if (state.runId !== runId) throw new InvalidArgumentError(`Cannot restore run ${runId} from a state of run ${state.runId}.`);
      assertJsonValue(state.vars, 'restored vars');
      const restored = {
        ...(options.origin ?? {}),
        from: { status: current.status, current_node: current.currentNode },
        to: { status: state.status, current_node: state.currentNode },
      };
      const result: JsonObject = { restored };
      if (options.via) result['via'] = options.via; // asked of this process by another (see src/runtime/requests)
      const rec = interventionRecord({ run: current, stepId: this.newId(), at: this.nowIso(), actorId: options.actorId, result });
      const next: RunState = { ...cloneRunState(state), updatedAt: this.nowIso() };
      await this.commit(next, [rec]);
      this.moved.add(runId);
      return next;
    });
  }

  async getLimitStatus(runId: string): Promise<LimitStatus> {
    return limitStatus(await this.getState(runId));
  }

  checkLimits(run: RunState): LimitWarning[] {
    return checkLimits(run);
  }

  /** Copies only the known `_limits` keys; others are ignored, as in the reference. */
  updateLimits(runId: string, updates: Record<string, JsonValue>): Promise<void> {
    return this.exclusive(runId, async () => {
      const run = await this.getState(runId);
      const limits = isJsonObject(run.vars['_limits']) ? run.vars['_limits'] : (run.vars['_limits'] = {});
      for (const [k, v] of Object.entries(updates)) if (ALLOWED_LIMIT_KEYS.has(k)) limits[k] = v;
      await this.commit(run, []);
    });
  }
}
