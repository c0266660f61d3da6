import { type ArtifactStore } from '../artifacts/artifact-store';
import { RunNotWaitingError } from '../errors';
import { type RuntimeConfig } from '../core/config';
import { type EffectHandler } from '../core/effect-handler';
import { type EffectType, type WaitReason } from '../core/enums';
import { type RunState, type StepRecord } from '../core/models';
import { type EffectPolicy } from '../core/policy';
import { Runtime } from '../core/runtime';
import { type WorkflowSpec } from '../core/spec';
import { type JsonObject } from '../json/json-value';
import { type Clock } from '../json/timestamp';
import { HashChainedLedgerStore } from '../ledger/hash-chained-ledger-store';
import { type LedgerStore } from '../storage/ledger-store';
import { InMemoryLedgerStore } from '../storage/memory/memory-ledger-store';
import { InMemoryRunStore } from '../storage/memory/memory-run-store';
import { type RunStore } from '../storage/run-store';
import { Scheduler, type SchedulerStats } from './scheduler';
import { WorkflowRegistry } from './workflow-registry';

/** A runtime, its scheduler and its registry, with the reference's convenience methods. */
export class ScheduledRuntime {
  constructor(
    readonly runtime: Runtime,
    readonly scheduler: Scheduler,
    readonly registry: WorkflowRegistry,
  ) {}

  private ensureRegistered(workflow: WorkflowSpec): void {
    if (!this.registry.has(workflow.workflowId)) this.registry.register(workflow);
  }

  /** Registers the workflow if needed, starts a run and ticks it once. */
  async run(workflow: WorkflowSpec, options: { vars?: JsonObject; actorId?: string | null; sessionId?: string | null; maxSteps?: number } = {}): Promise<[string, RunState]> {
    const runId = await this.start({ workflow, vars: options.vars, actorId: options.actorId, sessionId: options.sessionId });
    const state = await this.runtime.tick({ workflow, runId, maxSteps: options.maxSteps ?? 100 });
    return [runId, state];
  }

  /** Answers whatever the run waits for, using its stored wait key. */
  async respond(runId: string, payload: JsonObject, options: { actorId?: string | null } = {}): Promise<RunState> {
    const run = await this.runtime.getState(runId);
    if (run.status !== 'waiting') throw new RunNotWaitingError(runId, `Run '${runId}' is not waiting (status=${run.status})`);
    if (!run.waiting) throw new RunNotWaitingError(runId, `Run '${runId}' has no waiting state`);
    if (!run.waiting.waitKey) throw new RunNotWaitingError(runId, `Run '${runId}' has no wait_key to respond to (reason=${run.waiting.reason})`);
    return this.scheduler.resumeEvent({ runId, waitKey: run.waiting.waitKey, payload, actorId: options.actorId ?? null });
  }

  start(options: { workflow: WorkflowSpec; vars?: JsonObject | null; actorId?: string | null; sessionId?: string | null }): Promise<string> {
    this.ensureRegistered(options.workflow);
    return this.runtime.start(options);
  }

  tick(runId: string, options: { maxSteps?: number } = {}): Promise<RunState> {
    return this.runtime.getState(runId).then((run) =>
      this.runtime.tick({ workflow: this.registry.getOrRaise(run.workflowId), runId, maxSteps: options.maxSteps ?? 100 }),
    );
  }

  resumeEvent(args: { runId: string; waitKey: string | null; payload: JsonObject; actorId?: string | null }): Promise<RunState> {
    return this.scheduler.resumeEvent(args);
  }
  getState(runId: string): Promise<RunState> {
    return this.runtime.getState(runId);
  }
  getLedger(runId: string): Promise<StepRecord[]> {
    return this.runtime.getLedger(runId);
  }
  findWaitingRuns(args: { waitReason?: WaitReason | null; workflowId?: string | null; limit?: number } = {}): Promise<RunState[]> {
    return this.scheduler.findWaitingRuns(args);
  }
  get stats(): SchedulerStats {
    return this.scheduler.stats;
  }
  resumeSubworkflowParent(args: { childRunId: string; childOutput: JsonObject | null }): Promise<RunState | null> {
    return this.scheduler.resumeSubworkflowParent(args);
  }
  cancelRun(runId: string, options: { reason?: string | null } = {}): Promise<RunState> {
    return this.runtime.cancelRun(runId, options);
  }
  cancelWithChildren(runId: string, options: { reason?: string | null } = {}): Promise<RunState[]> {
    return this.scheduler.cancelWithChildren(runId, options);
  }
  get isRunning(): boolean {
    return this.scheduler.isRunning;
  }
  startScheduler(): void {
    if (!this.scheduler.isRunning) this.scheduler.start();
  }
  stop(): Promise<void> {
    return this.scheduler.stop();
  }
}

export interface CreateScheduledRuntimeOptions {
  runStore?: RunStore | null;
  ledgerStore?: LedgerStore | null;
  artifactStore?: ArtifactStore | null;
  effectPolicy?: EffectPolicy;
  workflows?: WorkflowSpec[];
  effectHandlers?: Partial<Record<EffectType | string, EffectHandler>>;
  pollIntervalS?: number;
  autoStart?: boolean;
  onRunResumed?: (run: RunState) => void;
  onRunFailed?: (runId: string, error: unknown) => void;
  config?: RuntimeConfig;
  clock?: Clock;
  newId?: () => string;
}

/**
 * Zero-config: in-memory stores (the ledger hash-chained), every workflow registered, the scheduler
 * started unless `autoStart` is false.
 */
export function createScheduledRuntime(options: CreateScheduledRuntimeOptions = {}): ScheduledRuntime {
  const registry = new WorkflowRegistry();
  for (const wf of options.workflows ?? []) registry.register(wf);
  const runtime = new Runtime({
    runStore: options.runStore ?? new InMemoryRunStore(),
    ledgerStore: options.ledgerStore ?? new HashChainedLedgerStore(new InMemoryLedgerStore()),
    artifactStore: options.artifactStore ?? null,
    effectPolicy: options.effectPolicy,
    effectHandlers: options.effectHandlers,
    workflowRegistry: registry,
    config: options.config,
    clock: options.clock,
    newId: options.newId,
  });
  const scheduler = new Scheduler({
    runtime,
    registry,
    pollIntervalS: options.pollIntervalS ?? 1.0,
    onRunResumed: options.onRunResumed,
    onRunFailed: options.onRunFailed,
  });
  const sr = new ScheduledRuntime(runtime, scheduler, registry);
  if (options.autoStart ?? true) scheduler.start();
  return sr;
}
