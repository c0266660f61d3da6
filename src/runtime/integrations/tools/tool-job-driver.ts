import { SerialQueue } from '../../core/serial-queue';
import { RunStatus, WaitReason } from '../../core/enums';
import { type RunState } from '../../core/models';
import { type Runtime } from '../../core/runtime';
import { type WorkflowSpec } from '../../core/spec';
import { RunNotWaitingError, RuntimeError, WaitKeyMismatchError } from '../../errors';
import { isJsonObject, type JsonObject, type JsonValue } from '../../json/json-value';
import { type WorkflowRegistry } from '../../scheduler/workflow-registry';
import { isQueryableRunStore, type QueryableRunStore } from '../../storage/run-store';
import { ToolJobError } from '../errors';
import { type ToolJobClient, type ToolJobStatus } from './tool-job-client';

export interface ToolJobDriverOptions {
  runtime: Runtime;
  /** How a run finds its workflow again: a registry, or a lookup function. */
  workflows: WorkflowRegistry | ((workflowId: string) => WorkflowSpec | null);
  client: ToolJobClient;
  /** Seconds between polls once started. Default 1. */
  pollIntervalS?: number;
  /** Runs examined per poll. Default 100. */
  maxRunsPerPoll?: number;
  onRunResumed?: (run: RunState) => void;
  onError?: (runId: string, error: unknown) => void;
}

export interface ToolJobDriverStats {
  pollCycles: number;
  runsResumed: number;
  /** `"<run id>: <message>"`, the last 100. */
  errors: string[];
}

/**
 * Drives runs waiting on remote tool jobs (planned item 014): each poll lists the runs waiting with
 * reason `job`, asks the worker about each job (the wait key), and resumes the finished ones with
 * the wait key as the job id.
 * - completed: the payload is the job's `result` when it is an object (a worker answers
 *   `{mode: "executed", results: [...]}` as the mapping executor does); a bare results list is
 *   wrapped as `{mode: "executed", results}`; anything else as `{mode: "executed", result}`.
 * - failed, or unknown to the worker (HTTP 404): the run resumes too, with every call reported as
 *   failed with the job's error, plus `job: {job_id, status, error}`. Like a tool that throws in
 *   the mapping executor, the workflow (an agent) sees the failure and decides; the run does not die.
 * - pending or running, or the worker unreachable: the run keeps waiting; the error is recorded.
 */
export class ToolJobDriver {
  private readonly store: QueryableRunStore;
  private readonly opts: ToolJobDriverOptions;
  private readonly _stats: ToolJobDriverStats = { pollCycles: 0, runsResumed: 0, errors: [] };
  private timer: ReturnType<typeof setInterval> | null = null;
  private readonly polls = new SerialQueue();

  constructor(options: ToolJobDriverOptions) {
    if (!isQueryableRunStore(options.runtime.runStore)) {
      throw new RuntimeError('STORE_NOT_QUERYABLE', 'ToolJobDriver requires a run store with listRuns (a QueryableRunStore).');
    }
    this.store = options.runtime.runStore;
    this.opts = options;
  }

  get isRunning(): boolean {
    return this.timer !== null;
  }

  get stats(): ToolJobDriverStats {
    return { ...this._stats, errors: [...this._stats.errors] };
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.pollOnce(), Math.max(1, (this.opts.pollIntervalS ?? 1) * 1000));
    this.timer.unref?.(); // a host that has nothing else to do may exit
    void this.pollOnce();
  }

  /** Stops polling; a poll already running finishes first. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.polls.idle();
  }

  /** One poll by hand. Returns how many runs were resumed. Polls never overlap. */
  pollOnce(): Promise<number> {
    // Cycles never overlap: a timer firing during a cycle waits for it, then runs its own.
    return this.polls.run(() => this.pollCycle());
  }

  private async pollCycle(): Promise<number> {
    this._stats.pollCycles++;
    let resumed = 0;
    let runs: RunState[];
    try {
      runs = await this.store.listRuns({ status: RunStatus.WAITING, waitReason: WaitReason.JOB, limit: this.opts.maxRunsPerPoll ?? 100 });
    } catch (e) {
      this.recordError('(listRuns)', e);
      return 0;
    }
    for (const run of runs) if (await this.driveRun(run)) resumed++;
    return resumed;
  }

  private async driveRun(run: RunState): Promise<boolean> {
    const jobId = run.waiting?.waitKey;
    if (!jobId) return false;
    let job: ToolJobStatus;
    try {
      job = await this.opts.client.get(jobId);
    } catch (e) {
      if (!(e instanceof ToolJobError && e.status === 404)) {
        this.recordError(run.runId, e);
        return false;
      }
      job = { jobId, status: 'failed', result: undefined, error: `Tool job ${jobId} is unknown to the worker (HTTP 404)` };
    }
    if (job.status === 'pending' || job.status === 'running') return false;
    const payload = job.status === 'completed' ? completedPayload(job.result) : failedPayload(run, job);
    try {
      const workflow = this.lookup(run.workflowId);
      const state = await this.opts.runtime.resume({ workflow, runId: run.runId, waitKey: jobId, payload });
      this._stats.runsResumed++;
      this.opts.onRunResumed?.(state);
      return true;
    } catch (e) {
      // Someone else (another driver, the host) answered this wait first: nothing to do.
      if (e instanceof RunNotWaitingError || e instanceof WaitKeyMismatchError) return false;
      this.recordError(run.runId, e);
      return false;
    }
  }

  private lookup(workflowId: string): WorkflowSpec {
    const w = this.opts.workflows;
    if (typeof w !== 'function') return w.getOrRaise(workflowId);
    const spec = w(workflowId);
    if (!spec) throw new RuntimeError('UNKNOWN_WORKFLOW', `Workflow '${workflowId}' is not known to the ToolJobDriver`, { workflowId });
    return spec;
  }

  private recordError(runId: string, e: unknown): void {
    this._stats.errors.push(`${runId}: ${e instanceof Error ? e.message : String(e)}`);
    if (this._stats.errors.length > 100) this._stats.errors.splice(0, this._stats.errors.length - 100);
    try {
      this.opts.onError?.(runId, e);
    } catch {
      // A listener's failure must not stop the driver.
    }
  }
}

export function completedPayload(result: JsonValue | undefined): JsonObject {
  if (isJsonObject(result)) return result;
  if (Array.isArray(result)) return { mode: 'executed', results: result };
  return { mode: 'executed', result: result ?? null };
}

export function failedPayload(run: RunState, job: ToolJobStatus): JsonObject {
  const error = `Tool job ${job.jobId} failed: ${job.error ?? 'no error message from the worker'}`;
  const calls = run.waiting?.details?.['tool_calls'];
  const results = (Array.isArray(calls) ? calls : []).map((call) => ({
    call_id: isJsonObject(call) && typeof call['call_id'] === 'string' ? call['call_id'] : '',
    name: isJsonObject(call) && typeof call['name'] === 'string' ? call['name'] : '',
    success: false,
    output: null,
    error,
  }));
  return { mode: 'executed', results, job: { job_id: job.jobId, status: 'failed', error: job.error } };
}
