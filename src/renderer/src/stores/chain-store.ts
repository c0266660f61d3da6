import { createStore, type StoreApi } from 'zustand/vanilla';
import { type ChainSummary, type JobProgress, type StudioClient } from '../../../shared/contract';
import { type UiStoreApi } from './ui-store';

/** A verification in flight or done, with its progress for the progress bars. */
export interface VerifyJob {
  jobId: string;
  runId: string;
  /** The source the run was read from when the job started (see ChainSummary.sourceId). */
  sourceId: string | null;
  /** The source's generation when the job started: a result read before a change is not shown. */
  generation: number;
  progress: JobProgress;
}

export interface ChainState {
  /** The source whose verdicts are on screen (the open workspace, folder or bundle), or null. */
  sourceId: string | null;
  /** The latest verification of each run, keyed by `verdictKey(source, run)`: a verdict holds only for what was checked. */
  summaries: Readonly<Record<string, ChainSummary>>;
  jobs: Readonly<Record<string, VerifyJob>>;
  /** Bumped for a source each time its data changed under the verdicts (another connection wrote). */
  generations: Readonly<Record<string, number>>;
}

export interface ChainActions {
  verify(runId: string): Promise<void>;
  applyProgress(progress: JobProgress): void;
  applyFinished(progress: JobProgress, result: ChainSummary | null): void;
  /** The open source changed (a workspace switch): verdicts of other sources stop showing. */
  setSource(sourceId: string | null): void;
  /** The source's data changed under its verdicts: they are dropped ("not yet verified") and jobs in flight disowned. */
  invalidateSource(sourceId: string): void;
}

export type ChainStore = ChainState & ChainActions;
export type ChainStoreApi = StoreApi<ChainStore>;

/** The key of one verdict: a run id means nothing without the source it was read from. */
export function verdictKey(sourceId: string | null, runId: string): string {
  return `${sourceId ?? ''}\u0000${runId}`;
}

/**
 * Chain verification runs as a backend job. Progress arrives as events; a slow poll of
 * `jobs.get` covers a missed event (a reconnecting socket), so a bar never hangs at 97%.
 */
export function createChainStore(client: StudioClient, ui: UiStoreApi, opts: { pollMs?: number } = {}): ChainStoreApi {
  /** Verifications requested or running, by verdict key and generation: a second request would only repeat one. */
  const busy = new Set<string>();
  return createStore<ChainStore>()((set, get) => {
    function jobFor(jobId: string): VerifyJob | undefined {
      return get().jobs[jobId];
    }
    const generationOf = (sourceId: string | null) => (sourceId === null ? 0 : (get().generations[sourceId] ?? 0));
    const busyKey = (sourceId: string | null, runId: string, generation: number) => `${verdictKey(sourceId, runId)}#${generation}`;

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
      sourceId: null,
      summaries: {},
      jobs: {},
      generations: {},

      verify: async (runId) => {
        const sourceId = get().sourceId;
        const generation = generationOf(sourceId);
        const key = busyKey(sourceId, runId, generation);
        if (busy.has(key)) return;
        busy.add(key);
        try {
          const { jobId } = await client.invoke('ledger.verify', { runId });
          const progress: JobProgress = { jobId, kind: 'verify', done: 0, total: 0, finished: false, error: null };
          // An event can arrive before this line: keep whatever it already recorded. A job we know
          // already was shared by the backend because nothing changed since it started: its
          // verdict holds for the data as it is now.
          const known = jobFor(jobId);
          if (!known) set({ jobs: { ...get().jobs, [jobId]: { jobId, runId, sourceId, generation, progress } } });
          else if (known.generation < generation) set({ jobs: { ...get().jobs, [jobId]: { ...known, generation } } });
          void poll(jobId);
        } catch (err) {
          busy.delete(key);
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
        const sourceId = result?.sourceId ?? job?.sourceId ?? get().sourceId;
        const generation = job?.generation ?? generationOf(sourceId);
        busy.delete(busyKey(sourceId, runId, generation));
        const finished: VerifyJob = { jobId: progress.jobId, runId, sourceId, generation, progress: { ...progress, finished: true } };
        const jobs = { ...get().jobs, [progress.jobId]: finished };
        // A job that read the data before it changed says nothing about the data now.
        const current = generation === generationOf(sourceId);
        const summaries = result && current ? { ...get().summaries, [verdictKey(result.sourceId, runId)]: result } : get().summaries;
        set({ jobs, summaries });
        if (progress.error) ui.getState().reportError(new Error(progress.error), 'Verification did not finish');
      },

      setSource: (sourceId) => {
        if (sourceId !== get().sourceId) set({ sourceId });
      },

      invalidateSource: (sourceId) => {
        const prefix = verdictKey(sourceId, '');
        const summaries = Object.fromEntries(Object.entries(get().summaries).filter(([k]) => !k.startsWith(prefix)));
        set({ summaries, generations: { ...get().generations, [sourceId]: generationOf(sourceId) + 1 } });
      },
    };
  });
}

export const selectVerifyJobs = (s: ChainStore) => s.jobs;

/** The verdict on a run of the open source, or null when it was not verified (or its data changed since). */
export function currentSummary(s: ChainState, runId: string | null): ChainSummary | null {
  return runId ? (s.summaries[verdictKey(s.sourceId, runId)] ?? null) : null;
}

/** The running or last job of a run of the open source (for its progress bar). */
export function latestJobOf(s: ChainState, runId: string | null): VerifyJob | null {
  if (!runId) return null;
  let found: VerifyJob | null = null;
  for (const j of Object.values(s.jobs)) if (j.runId === runId && j.sourceId === s.sourceId) found = j;
  return found;
}
