import { createStore, type StoreApi } from 'zustand/vanilla';
import { type StateDiff, type StudioClient } from '../../../shared/contract';

/** The state change made by one ledger record: the diff between the states before and after it. */
export interface DiffState {
  runId: string | null;
  seq: number | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  diff: StateDiff | null;
  error: string | null;
}

export interface DiffActions {
  /** Loads the diff of a record, after a short pause so holding `j` does not fire a request per row. */
  show(runId: string | null, seq: number | null): void;
  /** The diff between any two steps (the State tab's compare). */
  compare(runId: string, fromSeq: number | null, toSeq: number): void;
}

export type DiffStore = DiffState & DiffActions;
export type DiffStoreApi = StoreApi<DiffStore>;

export function createDiffStore(client: StudioClient, opts: { delayMs?: number } = {}): DiffStoreApi {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let request = 0;

  return createStore<DiffStore>()((set) => {
    function load(runId: string, fromSeq: number | null, toSeq: number): void {
      const id = ++request;
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(async () => {
        timer = null;
        try {
          const diff = await client.invoke('ledger.diff', { runId, fromSeq, toSeq });
          if (id === request) set({ status: 'ready', diff, error: null });
        } catch (err) {
          if (id === request) set({ status: 'error', diff: null, error: err instanceof Error ? err.message : String(err) });
        }
      }, opts.delayMs ?? 120);
    }

    return {
      runId: null,
      seq: null,
      status: 'idle',
      diff: null,
      error: null,

      show: (runId, seq) => {
        if (runId === null || seq === null) {
          request++;
          set({ runId, seq, status: 'idle', diff: null, error: null });
          return;
        }
        set({ runId, seq, status: 'loading', error: null });
        // Record 0 has no "before": the diff starts from the run's initial state.
        load(runId, seq > 0 ? seq - 1 : null, seq);
      },

      compare: (runId, fromSeq, toSeq) => {
        set({ runId, seq: toSeq, status: 'loading', error: null });
        load(runId, fromSeq, toSeq);
      },
    };
  });
}

export const selectDiff = (s: DiffStore) => s.diff;
export const selectDiffStatus = (s: DiffStore) => s.status;
export const selectDiffError = (s: DiffStore) => s.error;
export const selectDiffSeq = (s: DiffStore) => s.seq;
