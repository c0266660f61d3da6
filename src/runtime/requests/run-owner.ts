import { hostname } from 'node:os';
import { RunStatus, TERMINAL_STATUSES, WaitReason } from '../core/enums';
import { type RunState } from '../core/models';
import { type Runtime } from '../core/runtime';
import { InvalidArgumentError, UnknownWorkflowError } from '../errors';
import { type ToolExecutor } from '../integrations/tools/tool-executor';
import { parseIsoTimestamp } from '../json/timestamp';
import { type WorkflowRegistry } from '../scheduler/workflow-registry';
import { isLeasingRunStore, type LeasingRunStore, type RunLease } from '../storage/run-store';
import { RequestCarrier } from './request-carrier';
import { type RunRequest, type RunRequestQueue } from './run-request';

export interface RunOwnerOptions {
  runtime: Runtime;
  /** The workspace's request queue (`SqliteWorkspace.requests`). */
  requests: RunRequestQueue;
  /** Where the workflows of held runs are found (default: the runtime's registry). */
  registry?: WorkflowRegistry;
  /** How often the queue is looked at (default 100 ms): one cheap pragma when nobody wrote. */
  pollIntervalMs?: number;
  /** Names this process in the requests it carries out and in the ledger (default "process <pid> on <host>"). */
  name?: string;
  /** Hears each request once carried out or refused. */
  onRequest?: (request: RunRequest) => void;
  /** A request that could not even be recorded as refused (the workspace closed under it). */
  onError?: (err: unknown) => void;
  /**
   * Runs the tool calls a person approved (an answer `{"decisions": …}` to an approval wait), here,
   * with this process's tools: the asker never runs them. Without it such answers are refused.
   */
  toolExecutor?: ToolExecutor | null;
}

/**
 * The process that drives runs keeps them: it holds their leases from `hold` until they end (not
 * only while a tick runs), so a Studio opened on the same workspace sees them held by a live
 * process and asks instead of acting. The owner carries out what is asked (answers, events,
 * cancels) with its own runtime and workflow code, records in the ledger who asked and through
 * which request, and answers the request. When this process dies its leases die with it, and
 * whoever acts next takes the runs over, as before.
 */
export class RunOwner {
  readonly name: string;
  private readonly leases = new Map<string, RunLease>();
  private readonly working = new Set<Promise<void>>();
  private readonly taking = new Set<number>();
  private timer: ReturnType<typeof setInterval> | null = null;
  /** One wake-up per held run waiting for a time: nobody else may tick it, so this process must. */
  private readonly wakeUps = new Map<string, ReturnType<typeof setTimeout>>();
  private seen: number | null = null;
  private closed = false;
  private readonly store: LeasingRunStore;
  private readonly unsubscribe: () => void;
  private readonly carrier: RequestCarrier;

  constructor(private readonly options: RunOwnerOptions) {
    const store = options.runtime.runStore;
    if (!isLeasingRunStore(store)) throw new InvalidArgumentError('A RunOwner needs a run store that leases runs between processes (a SqliteWorkspace or PostgresWorkspace).');
    this.store = store;
    this.name = options.name ?? `process ${process.pid} on ${hostname()}`;
    this.carrier = new RequestCarrier({
      runtime: options.runtime,
      requests: options.requests,
      name: this.name,
      workflowOf: (id) => this.workflowOf(id),
      toolExecutor: options.toolExecutor,
      onRequest: options.onRequest,
    });
    // A held run that ends, however it ended (the app's own tick, a request), is given back.
    this.unsubscribe = options.runtime.onEvent((e) => {
      if (e.type !== 'run-saved' || !this.leases.has(e.run.runId)) return;
      if (TERMINAL_STATUSES.has(e.run.status)) this.track(this.letGo(e.run.runId));
      else this.armWakeUp(e.run);
    });
  }

  /** Takes the run's lease and keeps it until the run ends or `release`; RUN_LOCKED when another live process holds it. */
  async hold(runId: string): Promise<void> {
    if (this.closed) throw new InvalidArgumentError('This RunOwner is closed.');
    if (this.leases.has(runId)) return;
    this.leases.set(runId, await this.store.acquireRunLease(runId));
    this.keepAliveWhileHolding();
    if (this.timer) this.armWakeUp(await this.options.runtime.getState(runId));
  }

  async release(runId: string): Promise<void> {
    const lease = this.leases.get(runId);
    this.leases.delete(runId);
    this.disarmWakeUp(runId);
    this.keepAliveWhileHolding();
    await lease?.release();
  }

  /** The runs this process holds now. */
  held(): string[] {
    return [...this.leases.keys()];
  }

  /**
   * Starts looking at the queue every `pollIntervalMs`. While it holds runs the owner keeps the
   * process alive (it promised to answer for them); holding none, it lets the process exit.
   */
  start(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => this.track(this.serve().then(() => undefined)), Math.max(10, this.options.pollIntervalMs ?? 100));
    this.keepAliveWhileHolding();
    for (const runId of this.held()) this.track(this.options.runtime.getState(runId).then((run) => this.armWakeUp(run)));
  }

  /** Resolves with the run's state once it has ended (completed, failed or cancelled), whoever ended it. */
  finished(runId: string): Promise<RunState> {
    return new Promise((resolve, reject) => {
      const off = this.options.runtime.onEvent((e) => {
        if (e.type === 'run-saved' && e.run.runId === runId && TERMINAL_STATUSES.has(e.run.status)) {
          off();
          resolve(e.run);
        }
      });
      // Already over before anyone listened.
      this.options.runtime.getState(runId).then(
        (run) => {
          if (!TERMINAL_STATUSES.has(run.status)) return;
          off();
          resolve(run);
        },
        (err: unknown) => {
          off();
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }

  private keepAliveWhileHolding(): void {
    if (!this.timer) return;
    if (this.leases.size > 0) this.timer.ref();
    else this.timer.unref();
  }

  /** Carries out the pending requests to held runs now; resolves with how many it took. */
  async serve(): Promise<number> {
    if (this.closed || this.leases.size === 0) return 0;
    const counter = this.options.requests.changeCounter();
    if (counter === this.seen) return 0; // nobody else wrote since the last look
    this.seen = counter;
    const pending = (await this.options.requests.pendingFor(this.held())).filter((r) => !this.taking.has(r.id));
    for (const r of pending) this.track(this.carryOut(r));
    return pending.length;
  }

  /** Waits for the requests in hand (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.working.size > 0) await Promise.allSettled([...this.working]);
  }

  /** Stops serving, finishes what is in hand and gives every lease back. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe();
    for (const runId of [...this.wakeUps.keys()]) this.disarmWakeUp(runId);
    await this.idle();
    for (const runId of this.held()) await this.release(runId);
  }

  /** A held run waiting for a time is ticked by this process when the time comes (once started). */
  private armWakeUp(run: RunState): void {
    this.disarmWakeUp(run.runId);
    const w = run.waiting;
    if (!this.timer || this.closed || run.status !== RunStatus.WAITING || w?.reason !== WaitReason.UNTIL || !w.until) return;
    const due = parseIsoTimestamp(w.until);
    if (due === null) return;
    // On the runtime's clock (a test may pin it); a far date is looked at again when the longest timer fires.
    const ms = Math.min(2 ** 31 - 1, Math.max(0, Math.ceil((due - this.options.runtime.clock.nowMicros()) / 1000)));
    const t = setTimeout(() => {
      this.wakeUps.delete(run.runId);
      this.track(this.wake(run.runId));
    }, ms);
    t.unref(); // the serve timer is what keeps the process alive while runs are held
    this.wakeUps.set(run.runId, t);
  }

  private disarmWakeUp(runId: string): void {
    const t = this.wakeUps.get(runId);
    if (t) clearTimeout(t);
    this.wakeUps.delete(runId);
  }

  private async wake(runId: string): Promise<void> {
    if (!this.leases.has(runId) || this.closed) return;
    const run = await this.options.runtime.getState(runId);
    const after = await this.options.runtime.tick({ workflow: this.workflowOf(run.workflowId), runId });
    // Not due yet on the runtime's clock (a timer capped at its longest): look again.
    if (after.status === RunStatus.WAITING) this.armWakeUp(after);
  }

  private track(work: Promise<void>): void {
    const p = work.catch((err: unknown) => this.options.onError?.(err)).finally(() => this.working.delete(p));
    this.working.add(p);
  }

  /** A run that ended: what was asked of it meanwhile is answered (refused, mostly) before its lease goes. */
  private async letGo(runId: string): Promise<void> {
    const pending = await this.options.requests.pendingFor([runId]);
    for (const r of pending) if (!this.taking.has(r.id)) await this.carryOut(r);
    await this.release(runId);
  }

  private async carryOut(request: RunRequest): Promise<void> {
    this.taking.add(request.id);
    try {
      const done = await this.carrier.carryOut(request);
      // The answer is given as soon as the request is applied; the run goes on afterwards.
      if (done?.after && !TERMINAL_STATUSES.has(done.after.status)) await this.driveOn(done.after);
    } finally {
      this.taking.delete(request.id);
    }
  }

  private async driveOn(run: RunState): Promise<void> {
    if (!this.leases.has(run.runId)) return;
    await this.options.runtime.tick({ workflow: this.workflowOf(run.workflowId), runId: run.runId });
  }

  private workflowOf(workflowId: string) {
    const registry = this.options.registry ?? this.options.runtime.workflowRegistry;
    const workflow = registry?.get(workflowId);
    if (!workflow) throw new UnknownWorkflowError(workflowId, `Workflow '${workflowId}' is not registered in the process that holds the run, so it cannot go on there.`);
    return workflow;
  }
}
