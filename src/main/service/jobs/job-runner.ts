import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type ChainReport } from '../../../runtime/index';
import { type ChainSummary, type JobProgress } from '../../../shared/contract/domain';
import { StudioError } from '../../../shared/contract/errors';
import { type ServiceEvents } from '../service-events';

export type JobRecord = JobProgress & { result: ChainSummary | null };

/**
 * Long jobs with progress events. Verification of a SQLite run runs in a worker thread; the
 * built app ships the worker as `verify-worker.js` beside the main bundle, and in development
 * (tsx, vitest) the TypeScript file is run through tsx.
 */
export class JobRunner {
  private readonly jobs = new Map<string, JobRecord>();

  constructor(private readonly events: ServiceEvents) {}

  get(jobId: string): JobRecord {
    const job = this.jobs.get(jobId);
    if (!job) throw new StudioError('NOT_FOUND', `No job ${jobId}: it finished long ago or never existed. Start the verification again.`);
    return job;
  }

  /** Starts `work`; returns the job id at once. `work` reports progress through the callback. */
  start(kind: JobProgress['kind'], work: (progress: (done: number, total: number) => void) => Promise<ChainSummary>): string {
    const jobId = randomUUID();
    const job: JobRecord = { jobId, kind, done: 0, total: 0, finished: false, error: null, result: null };
    this.jobs.set(jobId, job);
    this.trim();
    const progress = (done: number, total: number): void => {
      job.done = done;
      job.total = total;
      this.events.emit('job.progress', { jobId, kind, done, total, finished: false, error: null });
    };
    void work(progress).then(
      (result) => this.finish(job, result, null),
      (e: unknown) => this.finish(job, null, e instanceof Error ? e.message : String(e)),
    );
    return jobId;
  }

  private finish(job: JobRecord, result: ChainSummary | null, error: string | null): void {
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

/** Verifies a run of a SQLite workspace file in a worker thread. */
export function verifyInWorker(path: string, runId: string, onProgress: (done: number, total: number) => void): Promise<ChainReport> {
  const built = join(__dirname, 'verify-worker.js');
  const worker = existsSync(built)
    ? new Worker(built, { workerData: { path, runId } })
    : new Worker(join(__dirname, 'verify-worker.ts'), { workerData: { path, runId }, execArgv: ['--import', 'tsx'] });
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
