import { type EffectHandler } from '../core/effect-handler';
import { RunStatus, WaitReason } from '../core/enums';
import { type RunState } from '../core/models';
import { Runtime } from '../core/runtime';
import { RuntimeError } from '../errors';
import { parseIsoTimestamp, type Clock } from '../json/timestamp';
import { type WorkflowRegistry } from '../scheduler/workflow-registry';
import { type PostgresWorkspace } from '../storage/postgres/postgres-workspace';

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
}

export interface WorkerStats {
  runsDriven: number;
  leasesLost: number;
  errors: number;
}

const isCode = (err: unknown, code: string): boolean => err instanceof RuntimeError && err.code === code;

/**
 * A worker over a PostgreSQL workspace: claims runs that can move (running, or waiting for a
 * time that has come) by taking their lease, drives each until it waits or ends, and gives the
 * lease back. Any number of workers on any number of machines share one workspace: a run's lease
 * (with its fencing token) makes sure only one of them moves it, and the runs of a worker that
 * died are taken over once its leases expire.
 */
export class PostgresWorker {
  readonly runtime: Runtime;
  readonly stats: WorkerStats = { runsDriven: 0, leasesLost: 0, errors: 0 };
  private readonly active = new Map<string, Promise<void>>();
  private readonly concurrency: number;
  private readonly pollIntervalMs: number;
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();

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
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
    // Live, not polled: a commit anywhere that leaves a run runnable wakes us at once, and a
    // run that now waits for a time arms a timer for it. The poll stays as the fallback.
    this.options.workspace
      .onRunChange((c) => {
        if (c.status === RunStatus.RUNNING) this.wake();
        else if (c.until) this.wakeAt(c.until);
      })
      .then((off) => {
        if (this.running) this.unsubscribe = off;
        else off();
      })
      .catch((err: unknown) => this.options.onError?.('(listen)', err));
  }

  private wakeAt(untilIso: string): void {
    const micros = parseIsoTimestamp(untilIso);
    if (micros === null) return;
    const ms = Math.max(0, micros / 1000 - Date.now());
    if (ms > 2 ** 31 - 1) return; // far away: the poll will see it
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.wake();
    }, ms + 1);
    t.unref();
    this.timers.add(t);
  }

  /** Looks for work now (a notification arrived) instead of at the next poll. */
  wake(): void {
    this.wakeUp?.();
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
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, this.pollIntervalMs);
      this.wakeUp = done;
    });
  }

  /** Starts driving as many claimable runs as there are free slots; returns how many it took. */
  private async claim(): Promise<number> {
    const free = this.concurrency - this.active.size;
    if (free <= 0) return 0;
    const ids = await this.options.workspace.runs.listClaimable({
      nowIso: this.runtime.nowIso(),
      workflowIds: this.options.registry.listIds(),
      skip: [...this.active.keys()],
      limit: free,
    });
    let taken = 0;
    for (const runId of ids) {
      if (!this.running) break;
      const lease = await this.options.workspace.runs.acquireRunLease(runId).catch((err: unknown) => {
        if (isCode(err, 'RUN_LOCKED')) return null; // another worker was faster
        throw err;
      });
      if (!lease) continue;
      taken++;
      const work = this.drive(runId).finally(async () => {
        await lease.release().catch(() => undefined);
        this.active.delete(runId);
        this.wake();
      });
      this.active.set(runId, work);
    }
    return taken;
  }

  private async drive(runId: string): Promise<void> {
    try {
      let run: RunState | null = await this.options.workspace.runs.load(runId);
      while (run && this.running && movable(run, this.runtime.nowIso())) {
        const workflow = this.options.registry.get(run.workflowId);
        if (!workflow) return;
        run = await this.runtime.tick({ workflow, runId, maxSteps: 100 });
      }
      this.stats.runsDriven++;
    } catch (err) {
      if (isCode(err, 'LEASE_LOST')) {
        this.stats.leasesLost++; // taken over after we stalled: the new holder carries it on
        return;
      }
      this.stats.errors++;
      this.options.onError?.(runId, err);
    }
  }
}

function movable(run: RunState, nowIso: string): boolean {
  if (run.status === RunStatus.RUNNING) return true;
  const w = run.waiting;
  return run.status === RunStatus.WAITING && w?.reason === WaitReason.UNTIL && w.until !== null && w.until <= nowIso;
}
