import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type ChainReport } from '../../../runtime/index';
import { type ChainSummary, type JobProgress } from '../../../shared/contract/domain';
import { StudioError } from '../../../shared/contract/errors';
import { type ServiceEvents } from '../service-events';

/** Jobs that run at once; the machine the Studio runs on is often a laptop with a few cores. */
const MAX_RUNNING = 2;

export type JobRecord = JobProgress & { result: ChainSummary | null };

/**
 * Long jobs with progress events. Verification of a SQLite run runs in a worker thread; the
 * built app ships the worker as `verify-worker.js` beside the main bundle, and in development
 * (tsx, vitest) the TypeScript file is run through tsx.
 */
export class JobRunner {
  private readonly jobs = new Map<string, JobRecord>();
  /** The running job of each key (see `start`). */
  private readonly byKey = new Map<string, string>();
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly events: ServiceEvents) {}

  get(jobId: string): JobRecord {
    const job = this.jobs.get(jobId);
    if (!job) throw new StudioError('NOT_FOUND', `No job ${jobId}: it finished long ago or never existed. Start the verification again.`);
    return job;
  }

  /**
   * Starts `work`; returns the job id at once. `work` reports progress through the callback.
   * With a `key`, a request identical to one still running gets that job's id instead of a new
   * job. Jobs run at most MAX_RUNNING at a time (each verification is a worker thread with its
   * own connection and heap); the rest wait their turn, so other requests stay answered.
   */
  start(kind: JobProgress['kind'], work: (progress: (done: number, total: number) => void) => Promise<ChainSummary>, key?: string): string {
    const shared = key === undefined ? undefined : this.byKey.get(key);
    if (shared !== undefined) return shared;
    const jobId = randomUUID();
    const job: JobRecord = { jobId, kind, done: 0, total: 0, finished: false, error: null, result: null };
    this.jobs.set(jobId, job);
    if (key !== undefined) this.byKey.set(key, jobId);
    this.trim();
    const progress = (done: number, total: number): void => {
      job.done = done;
      job.total = total;
      this.events.emit('job.progress', { jobId, kind, done, total, finished: false, error: null });
    };
    void this.slot(() => work(progress)).then(
      (result) => this.finish(job, result, null, key),
      (e: unknown) => this.finish(job, null, e instanceof Error ? e.message : String(e), key),
    );
    return jobId;
  }

  /** Runs `work` once fewer than MAX_RUNNING jobs run. */
  private async slot<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= MAX_RUNNING) await new Promise<void>((go) => this.waiting.push(go));
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  private finish(job: JobRecord, result: ChainSummary | null, error: string | null, key: string | undefined): void {
    if (key !== undefined && this.byKey.get(key) === job.jobId) this.byKey.delete(key);
    job.finished = true;
    job.result = result;
    job.error = error;
    if (result) job.done = job.total = result.count;
    this.events.emit('job.finished', { ...job });
  }

  private trim(): void {
    if (this.jobs.size <= 200) return;
    for (const [id, j] of this.jobs) if (j.finished && this.jobs.size > 200) this.jobs.delete(id);
  }
}

/** Up to this many records after a verified head are verified on the session's thread (see SqliteSession.verify). */
export const IN_PROCESS_VERIFY_LIMIT = 5000;

/** Verifies a run of a SQLite workspace file in a worker thread (after `after`, when given: see VerifyRunOptions). */
export function verifyInWorker(path: string, runId: string, onProgress: (done: number, total: number) => void, after?: { seq: number; hash: string }): Promise<ChainReport> {
  const built = join(__dirname, 'verify-worker.js');
  const workerData = { path, runId, after };
  const worker = existsSync(built)
    ? new Worker(built, { workerData })
    : new Worker(join(__dirname, 'verify-worker.ts'), { workerData, execArgv: ['--import', 'tsx'] });
  return new Promise((resolve, reject) => {
    worker.on('message', (m: { type: string; done?: number; total?: number; report?: ChainReport; message?: string }) => {
      if (m.type === 'progress') onProgress(m.done ?? 0, m.total ?? 0);
      else if (m.type === 'done') resolve(m.report as ChainReport);
      else if (m.type === 'error') reject(new StudioError('INTERNAL', `Verification failed: ${m.message}`));
    });
    worker.on('error', (e) => reject(new StudioError('INTERNAL', `Verification worker crashed: ${e.message}`)));
    worker.on('exit', (code) => {
      if (code !== 0) reject(new StudioError('INTERNAL', `Verification worker exited with code ${code}.`));
    });
  });
}
