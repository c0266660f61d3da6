import { createStore, type StoreApi } from 'zustand/vanilla';
import { type ChainSummary, type JobProgress, type StudioClient } from '../../../shared/contract';
import { type UiStoreApi } from './ui-store';

/** A verification in flight or done, with its progress for the progress bars. */
export interface VerifyJob {
  jobId: string;
  runId: string;
  progress: JobProgress;
}

export interface ChainState {
  /** The latest verification of each run this session. */
  summaries: Readonly<Record<string, ChainSummary>>;
  jobs: Readonly<Record<string, VerifyJob>>;
}

export interface ChainActions {
  verify(runId: string): Promise<void>;
  applyProgress(progress: JobProgress): void;
  applyFinished(progress: JobProgress, result: ChainSummary | null): void;
}

export type ChainStore = ChainState & ChainActions;
export type ChainStoreApi = StoreApi<ChainStore>;

/**
 * Chain verification runs as a backend job. Progress arrives as events; a slow poll of
 * `jobs.get` covers a missed event (a reconnecting socket), so a bar never hangs at 97%.
 */
export function createChainStore(client: StudioClient, ui: UiStoreApi, opts: { pollMs?: number } = {}): ChainStoreApi {
  /** Runs with a verification requested or running: a second request would only repeat it. */
  const busy = new Set<string>();
  return createStore<ChainStore>()((set, get) => {
    function jobFor(jobId: string): VerifyJob | undefined {
      return get().jobs[jobId];
    }

    async function poll(jobId: string): Promise<void> {
      const pollMs = opts.pollMs ?? 1500;
      while (jobFor(jobId) && !jobFor(jobId)!.progress.finished) {
        await new Promise((r) => setTimeout(r, pollMs));
        if (!jobFor(jobId) || jobFor(jobId)!.progress.finished) return;
        try {
          const res = await client.invoke('jobs.get', { jobId });
          if (res.finished) get().applyFinished(res, res.result);
          else get().applyProgress(res);
        } catch {
          return; // events may still finish it; a failing poll should not spam errors
        }
      }
    }

    return {
      summaries: {},
      jobs: {},

      verify: async (runId) => {
        if (busy.has(runId)) return;
        busy.add(runId);
        try {
          const { jobId } = await client.invoke('ledger.verify', { runId });
          const progress: JobProgress = { jobId, kind: 'verify', done: 0, total: 0, finished: false, error: null };
          // An event can arrive before this line: keep whatever it already recorded.
          if (!jobFor(jobId)) set({ jobs: { ...get().jobs, [jobId]: { jobId, runId, progress } } });
          void poll(jobId);
        } catch (err) {
          busy.delete(runId);
          ui.getState().reportError(err, 'Could not verify the hash chain');
        }
      },

      applyProgress: (progress) => {
        const job = jobFor(progress.jobId);
        if (!job || job.progress.finished) return;
        set({ jobs: { ...get().jobs, [progress.jobId]: { ...job, progress } } });
      },

      applyFinished: (progress, result) => {
        const job = jobFor(progress.jobId);
        const runId = result?.runId ?? job?.runId;
        if (!runId) return;
        busy.delete(runId);
        const jobs = { ...get().jobs, [progress.jobId]: { jobId: progress.jobId, runId, progress: { ...progress, finished: true } } };
        const summaries = result ? { ...get().summaries, [runId]: result } : get().summaries;
        set({ jobs, summaries });
        if (progress.error) ui.getState().reportError(new Error(progress.error), 'Verification did not finish');
      },
    };
  });
}

export const selectChainSummaries = (s: ChainStore) => s.summaries;
export const selectVerifyJobs = (s: ChainStore) => s.jobs;

/** The running or last job of a run (for its progress bar). */
export function latestJobOf(jobs: Readonly<Record<string, VerifyJob>>, runId: string | null): VerifyJob | null {
  if (!runId) return null;
  let found: VerifyJob | null = null;
  for (const j of Object.values(jobs)) if (j.runId === runId) found = j;
  return found;
}
