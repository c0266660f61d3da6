import { hostname } from 'node:os';
import { type EffectHandler } from '../core/effect-handler';
import { RunStatus, TERMINAL_STATUSES, WaitReason } from '../core/enums';
import { type RunState } from '../core/models';
import { Runtime } from '../core/runtime';
import { RuntimeError } from '../errors';
import { type ToolExecutor } from '../integrations/tools/tool-executor';
import { formatIsoTimestamp, parseIsoTimestamp, type Clock } from '../json/timestamp';
import { RequestCarrier } from '../requests/request-carrier';
import { type RunRequest } from '../requests/run-request';
import { type WorkflowRegistry } from '../scheduler/workflow-registry';
import { type PostgresWorkspace } from '../storage/postgres/postgres-workspace';
import { type WorkerRegistration } from '../storage/postgres/pg-workers';
import { movable, parentResume } from './run-moves';

export interface PostgresWorkerOptions {
  workspace: PostgresWorkspace;
  registry: WorkflowRegistry;
  /** Runs driven at once (default 4). */
  concurrency?: number;
  /** How often to look for work when nothing is running (default 1000 ms; `wake()` looks at once). */
  pollIntervalMs?: number;
  effectHandlers?: Partial<Record<string, EffectHandler>>;
  clock?: Clock;
  /** A run this worker could not drive (not a lost lease or a lost race: those are normal). */
  onError?: (runId: string, err: unknown) => void;
  /**
   * Runs the tool calls a person approved (an answer `{"decisions": …}` to an approval wait) with
   * this worker's tools. Without it such answers are refused with INVALID_ARGUMENT.
   */
  toolExecutor?: ToolExecutor | null;
  /** Hears each request this worker carried out or refused. */
  onRequest?: (request: RunRequest) => void;
}

export interface WorkerStats {
  runsDriven: number;
  leasesLost: number;
  errors: number;
  /** Requests (answers, events, cancels) carried out or refused. */
  requests: number;
  /** Parents resumed because their child completed. */
  parentsResumed: number;
}

/**
 * How long before its due time a `wait_until` run is claimed: the claim (a write commit, and the
 * race among workers woken by the same time) happens while the run is not due yet, and the run
 * is driven at its time from the lease already held. It also lets one claim take every run due
 * within the window instead of one claim per due time. A run claimed ahead is never driven early.
 */
export const CLAIM_AHEAD_MS = 30;

const isCode = (err: unknown, code: string): boolean => err instanceof RuntimeError && err.code === code;

/**
 * A worker over a PostgreSQL workspace: claims runs that can move (running, waiting for a time
 * that has come, asked something through the request queue, or a parent whose child completed)
 * by taking their lease, carries out what was asked, drives each until it waits or ends, and
 * gives the lease back. Any number of workers on any number of machines share one workspace: a
 * run's lease (with its fencing token) makes sure only one of them moves it, and the runs of a
 * worker that died are taken over once its leases expire. It registers in the workspace's worker
 * registry under its writer id (`id@host`), so askers can tell a live worker serves a workflow.
 */
export class PostgresWorker {
  readonly runtime: Runtime;
  /** `id@host`: the workspace's writer, in every record this worker writes and every request it carries out. */
  readonly workerId: string;
  readonly stats: WorkerStats = { runsDriven: 0, leasesLost: 0, errors: 0, requests: 0, parentsResumed: 0 };
  private readonly active = new Map<string, Promise<void>>();
  private readonly concurrency: number;
  private readonly pollIntervalMs: number;
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  /** A wake() that came while the loop was not idle: the next idle() returns at once. */
  private wokenWhileBusy = false;
  private unsubscribe: (() => void) | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly carrier: RequestCarrier;
  private registration: WorkerRegistration | null = null;
  /** Runs driven here that were asked something meanwhile: their tick stops at the next node boundary. */
  private readonly asked = new Set<string>();
  /**
   * Whether the next claim also looks for the kinds of work other than due `wait_until` runs
   * (runnable runs, requests, freed parents: the hint query). Only something that may have made
   * such work sets it: a notification of one, the poll, the start, a look that filled every slot;
   * a due time or a slot freed by a finished run only asks for due runs, which saves a query per
   * wake-up. A full look is also taken at least once per poll interval, whatever was heard.
   */
  private fullLook = true;
  private lastFullLook = 0;

  constructor(private readonly options: PostgresWorkerOptions) {
    const ws = options.workspace;
    this.runtime = new Runtime({
      runStore: ws.runs,
      ledgerStore: ws.ledger,
      artifactStore: ws.artifacts,
      workflowRegistry: options.registry,
      effectHandlers: options.effectHandlers,
      clock: options.clock,
    });
    this.concurrency = Math.max(1, options.concurrency ?? 4);
    this.pollIntervalMs = Math.max(10, options.pollIntervalMs ?? 1000);
    this.workerId = ws.writer;
    this.carrier = new RequestCarrier({
      runtime: this.runtime,
      requests: ws.requests,
      name: this.workerId,
      workflowOf: (id) => options.registry.getOrRaise(id),
      toolExecutor: options.toolExecutor,
      snapshots: ws.snapshots,
      onRequest: (r) => {
        this.stats.requests++;
        options.onRequest?.(r);
      },
    });
  }

  /**
   * Registers this worker (throws WORKER_ID_IN_USE when a live worker has its id) and starts
   * claiming. Live, not polled: a commit anywhere that leaves a run runnable (or ends a child),
   * and a request submitted anywhere, wake it at once; a run that now waits for a time arms a
   * timer for it. The poll stays as the fallback.
   */
  async start(): Promise<void> {
    if (this.running) return;
    const ws = this.options.workspace;
    this.registration = await ws.workers.register({
      workerId: this.workerId,
      // The host its id names (the writer is `id@host`), so registry and ledger agree.
      host: this.workerId.includes('@') ? this.workerId.slice(this.workerId.lastIndexOf('@') + 1) : hostname(),
      pid: process.pid,
      workflowIds: this.options.registry.listIds(),
      ttlMs: ws.leaseTtlMs,
    });
    this.running = true;
    this.loop = this.run();
    const listening = Promise.all([
      ws.onRunChange((c) => {
        // A running run its writer holds cannot be taken now (and it is driven on by that
        // writer), nor can a completed run without a parent free anyone: waking for those would
        // only send every worker's claim queries for nothing (a notification of older writers
        // lacks the fields: woken as before).
        if (c.status === RunStatus.RUNNING) {
          if (c.leased !== true) this.wake();
        } else if (c.status === RunStatus.COMPLETED) {
          if (c.parentRunId !== null) this.wake(); // a completed child may free its parent
        } else if (c.until) this.wakeAt(c.until);
      }),
      ws.requests.onChange((c) => {
        if (c.status !== 'pending') return;
        if (this.active.has(c.runId)) {
          this.asked.add(c.runId);
          this.fullLook = true; // heard too late for the drive, it is found by the hint query after
        } else this.wake();
      }),
    ]);
    listening
      .then((offs) => {
        const off = (): void => offs.forEach((f) => f());
        if (this.running) this.unsubscribe = off;
        else off();
      })
      .catch((err: unknown) => this.options.onError?.('(listen)', err));
  }

  private wakeAt(untilIso: string): void {
    const micros = parseIsoTimestamp(untilIso);
    if (micros === null) return;
    const ms = Math.max(0, micros / 1000 - Date.now() - CLAIM_AHEAD_MS);
    if (ms > 2 ** 31 - 1) return; // far away: the poll will see it
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.wake(false);
    }, ms + 1);
    t.unref();
    this.timers.add(t);
  }

  /**
   * Looks for work now (a notification arrived) instead of at the next poll; asked while busy, at
   * once after. `full` false: only due `wait_until` runs can have become claimable.
   */
  wake(full = true): void {
    if (full) this.fullLook = true;
    if (this.wakeUp) this.wakeUp();
    else this.wokenWhileBusy = true;
  }

  /** Stops claiming, waits for the runs in hand to reach a step boundary and gives their leases back. */
  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.wake();
    await this.loop;
    await Promise.all(this.active.values());
    await this.registration?.stop();
    this.registration = null;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let claimed = 0;
      try {
        claimed = await this.claim();
      } catch (err) {
        this.stats.errors++;
        this.options.onError?.('(claim)', err);
      }
      if (!this.running) break;
      if (claimed === 0 || this.active.size >= this.concurrency) await this.idle();
    }
  }

  /** Waits for the poll interval, a `wake()`, or a free slot. */
  private idle(): Promise<void> {
    if (this.wokenWhileBusy) {
      // A due time came (or a run was freed) while this worker was claiming: look again now,
      // not at the next poll.
      this.wokenWhileBusy = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(() => {
        this.fullLook = true; // the poll: whatever a missed notification would have said
        done();
      }, this.pollIntervalMs);
      this.wakeUp = done;
    });
  }

  /**
   * Starts driving as many claimable runs as there are free slots; returns how many it took. Due
   * `wait_until` runs first, leased in one statement that leaves runs other workers are taking to
   * them (so workers woken by the same due time take different runs instead of racing for the
   * oldest); then the other kinds, found by a hint query and leased one by one.
   */
  private async claim(): Promise<number> {
    let free = this.concurrency - this.active.size;
    if (free <= 0) return 0;
    const runs = this.options.workspace.runs;
    const query = { nowIso: this.runtime.nowIso(), workflowIds: this.options.registry.listIds(), skip: [...this.active.keys()], limit: free };
    // Read before the claim: a request written after the claim's snapshot moves it (see drive).
    const counter = this.options.workspace.requests.changeCounter();
    const ahead = formatIsoTimestamp((parseIsoTimestamp(query.nowIso) ?? 0) + CLAIM_AHEAD_MS * 1000);
    const due = await runs.claimDueWaitUntil({ ...query, nowIso: ahead });
    for (const { runId, lease, openRequests } of due) this.hold(runId, lease, openRequests ? null : counter);
    free -= due.length;
    if (free <= 0 || !this.running) return due.length;
    if (!this.fullLook && performance.now() - this.lastFullLook < this.pollIntervalMs) return due.length;
    this.fullLook = false;
    this.lastFullLook = performance.now();
    const ids = await runs.listClaimable({ ...query, skip: [...this.active.keys()], limit: free });
    if (ids.length >= free) this.fullLook = true; // there may be more than the slots took
    let taken = due.length;
    for (const runId of ids) {
      if (!this.running) break;
      const lease = await runs.acquireRunLease(runId).catch((err: unknown) => {
        if (isCode(err, 'RUN_LOCKED')) return null; // another worker was faster
        throw err;
      });
      if (!lease) continue;
      taken++;
      this.hold(runId, lease);
    }
    return taken;
  }

  /** Drives a run whose lease was just taken; gives the lease back when done. */
  private hold(runId: string, lease: { release: () => Promise<void> }, looked: number | null = null): void {
    if (!this.running) {
      void lease.release().catch(() => undefined);
      return;
    }
    const work = this.drive(runId, looked).finally(async () => {
      await lease.release().catch(() => undefined);
      this.active.delete(runId);
      this.wake(false); // a free slot: due runs now; anything else that came meanwhile set fullLook
    });
    this.active.set(runId, work);
  }

  /**
   * Holding the run's lease: carries out what was asked of it, resumes it if it waits on a child
   * that completed, drives it while it can move, and looks at the queue again between ticks (a
   * request that arrives mid-tick stops the tick at the next node boundary).
   */
  private async drive(runId: string, looked: number | null = null): Promise<void> {
    try {
      // The request counter when the run's queue was last known empty (its claim said so), or
      // null: then the queue is read before anything else.
      let seen: number | null = looked;
      // The state the last tick left (what it committed, under this lease), else read afresh.
      let run: RunState | null = null;
      let sleeps = 0;
      for (;;) {
        const counter = this.options.workspace.requests.changeCounter();
        if (counter !== seen || this.asked.has(runId)) {
          seen = counter;
          if (await this.serve(runId)) run = null;
        }
        run ??= await this.options.workspace.runs.load(runId);
        if (!run || !this.running || TERMINAL_STATUSES.has(run.status)) break;
        const workflow = this.options.registry.get(run.workflowId);
        if (!workflow) break;
        const parent = await parentResume(this.options.workspace.runs, run);
        if (parent) {
          await this.runtime.resume({ workflow, runId, waitKey: parent.waitKey, payload: parent.payload, maxSteps: 0 });
          this.stats.parentsResumed++;
          run = null;
          continue;
        }
        if (!movable(run, this.runtime.nowIso())) {
          // Claimed ahead of its time (CLAIM_AHEAD_MS): driven from the lease held once it is due.
          // A few times at most: the wall clock and the timers may differ by a millisecond, and a
          // clock that does not follow the timers at all (a test's) leaves the run to a later claim.
          const wait = dueIn(run, this.runtime.nowIso());
          if (sleeps >= 3 || wait === null || wait > 2 * CLAIM_AHEAD_MS || !this.running) break;
          sleeps++;
          await new Promise((r) => setTimeout(r, wait + 1));
          continue;
        }
        run = await this.runtime.tick({ workflow, runId, maxSteps: 100, shouldStop: () => this.asked.has(runId) });
      }
      // Asked something after the last look: served now, before the lease goes. Nothing heard on
      // the queue since that look (the counter moves with every write anywhere, and at every call
      // while not listening): nothing to read. One heard too late is found by the hint query.
      const requests = this.options.workspace.requests;
      if ((requests.changeCounter() !== seen || this.asked.has(runId)) && (await requests.pendingFor([runId])).length > 0 && this.running) return this.drive(runId);
      this.stats.runsDriven++;
    } catch (err) {
      if (isCode(err, 'LEASE_LOST')) {
        this.stats.leasesLost++; // taken over after we stalled: the new holder carries it on
        return;
      }
      this.stats.errors++;
      this.options.onError?.(runId, err);
    } finally {
      this.asked.delete(runId);
    }
  }

  /** What a holder that is gone left in hand first (the ledger says whether it was applied), then what is pending, oldest first; true when there was any. */
  private async serve(runId: string): Promise<boolean> {
    this.asked.delete(runId);
    const { taken, pending } = await this.options.workspace.requests.openFor([runId]);
    for (const r of taken) await this.carrier.recover(r);
    for (const r of pending) await this.carrier.carryOut(r);
    return taken.length + pending.length > 0;
  }
}

/** Milliseconds until a run waiting for a time is due (0 if it is), or null for any other run. */
function dueIn(run: RunState, nowIso: string): number | null {
  const w = run.waiting;
  if (run.status !== RunStatus.WAITING || w?.reason !== WaitReason.UNTIL || !w.until) return null;
  const [until, now] = [parseIsoTimestamp(w.until), parseIsoTimestamp(nowIso)];
  return until === null || now === null ? null : Math.max(0, (until - now) / 1000);
}
