import { createStore, type StoreApi } from 'zustand/vanilla';
import { StudioError, type LedgerRecord, type StudioClient } from '../../../shared/contract';

/**
 * The selected ledger record in full (effect, result, the raw line), read by `ledger.record` when
 * a row is selected: timeline rows carry only what the list shows.
 */
export interface RecordState {
  runId: string | null;
  seq: number | null;
  /** `gone`: the source changed and the record is no longer there (a row removed from the file). */
  status: 'idle' | 'loading' | 'ready' | 'error' | 'gone';
  /** The record read for (runId, seq); kept while it is read again, so the panel does not blink. */
  record: LedgerRecord | null;
  error: string | null;
}

export interface RecordActions {
  /** Reads the record of a selection, after a short pause so holding `j` does not fire a request per row. */
  show(runId: string | null, seq: number | null): void;
  /** Reads the shown record again: its source changed, and what is shown may no longer be true. */
  refresh(): void;
}

export type RecordStore = RecordState & RecordActions;
export type RecordStoreApi = StoreApi<RecordStore>;

export function createRecordStore(client: StudioClient, opts: { delayMs?: number } = {}): RecordStoreApi {
  let timer: ReturnType<typeof setTimeout> | null = null;
  // Only the newest request may answer: a late reply for another selection is dropped.
  let request = 0;

  return createStore<RecordStore>()((set, get) => {
    function load(runId: string, seq: number, delayMs: number): void {
      const id = ++request;
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(async () => {
        timer = null;
        try {
          const record = await client.invoke('ledger.record', { runId, seq });
          if (id === request) set({ status: 'ready', record, error: null });
        } catch (err) {
          if (id !== request) return;
          const gone = err instanceof StudioError && err.code === 'NOT_FOUND';
          set({ status: gone ? 'gone' : 'error', record: null, error: err instanceof Error ? err.message : String(err) });
        }
      }, delayMs);
    }

    return {
      runId: null,
      seq: null,
      status: 'idle',
      record: null,
      error: null,

      show: (runId, seq) => {
        const s = get();
        if (runId === s.runId && seq === s.seq && s.status !== 'idle') return;
        if (runId === null || seq === null) {
          request++;
          if (timer !== null) clearTimeout(timer);
          set({ runId, seq, status: 'idle', record: null, error: null });
          return;
        }
        set({ runId, seq, status: 'loading', record: null, error: null });
        load(runId, seq, opts.delayMs ?? 60);
      },

      refresh: () => {
        const { runId, seq } = get();
        if (runId === null || seq === null) return;
        load(runId, seq, 0);
      },
    };
  });
}

/** The record for this selection, or null while it is read (or when it is another selection's). */
export function recordFor(s: RecordState, runId: string | null, seq: number | null): LedgerRecord | null {
  return s.runId === runId && s.seq === seq && s.record?.seq === seq ? s.record : null;
}
