import { createStore, type StoreApi } from 'zustand/vanilla';
import { type LedgerEntry, type RunDetail, type RunSummary, type RunVisits, type StudioClient } from '../../../shared/contract';
import {
  appendOlderWindow,
  filterWindows,
  isFiltering,
  noLedgerFilter,
  prependNewer,
  rowOfSeqDesc,
  type LedgerFilter,
} from '../lib/filtered-ledger';
import {
  LEDGER_PAGE_SIZE,
  emptyLedgerCache,
  entryAt,
  missingPagesForRows,
  pageOfSeq,
  rowOfSeq,
  seqAtRow,
  withEntries,
  withPage,
  type LedgerCache,
} from '../lib/ledger-cache';
import { ReadOrder } from '../lib/read-order';
import { type UiStoreApi } from './ui-store';

/** A filtered timeline, loaded newest window first (see filtered-ledger.ts). */
export interface FilteredTimeline {
  filter: LedgerFilter;
  desc: readonly LedgerEntry[];
  windowsDone: number;
  windowsTotal: number;
  done: boolean;
}

export interface RunViewState {
  runId: string | null;
  detail: RunDetail | null;
  /** The run's path counted from its saved states (null until read, or when the source keeps none). */
  visits: RunVisits | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  ledger: LedgerCache;
  filter: LedgerFilter;
  filtered: FilteredTimeline | null;
  selectedSeq: number | null;
  /** The timeline scrolls to this seq when `tick` changes (jump to broken record, j/k). */
  scrollTarget: { seq: number; tick: number; center: boolean } | null;
}

export interface RunViewActions {
  open(runId: string | null): Promise<void>;
  reloadDetail(): Promise<void>;
  /** Re-reads everything shown of the open run (detail and loaded records): its source changed under it. */
  refresh(): Promise<void>;
  applyDetail(detail: RunDetail): void;
  applyRunChanged(run: RunSummary): void;
  /** `lastSeq`: the newest seq announced; rows older than `entries` are read when they come into view. */
  applyLedgerAppended(runId: string, entries: readonly LedgerEntry[], lastSeq?: number): void;
  ensureRows(firstRow: number, lastRow: number): void;
  setFilter(filter: Partial<LedgerFilter>): void;
  select(seq: number | null, opts?: { scroll?: boolean; center?: boolean }): void;
  /** j/k: +1 is the next older record (down the list), -1 the next newer. */
  selectRelative(delta: number): void;
}

export type RunViewStore = RunViewState & RunViewActions;
export type RunViewStoreApi = StoreApi<RunViewStore>;

/** Small ledgers are loaded whole at once so the graph's visit counts are exact. */
export const EAGER_LEDGER_LIMIT = 5000;

export function timelineRowCount(s: RunViewState): number {
  return s.filtered ? s.filtered.desc.length : s.ledger.total;
}

export function timelineEntryAt(s: RunViewState, row: number): LedgerEntry | undefined {
  if (s.filtered) return s.filtered.desc[row];
  return entryAt(s.ledger, seqAtRow(s.ledger.total, row));
}

export function timelineRowOfSeq(s: RunViewState, seq: number): number {
  return s.filtered ? rowOfSeqDesc(s.filtered.desc, seq) : rowOfSeq(s.ledger.total, seq);
}

export function selectedEntry(s: RunViewState): LedgerEntry | null {
  if (s.selectedSeq === null) return null;
  const fromCache = entryAt(s.ledger, s.selectedSeq);
  if (fromCache) return fromCache;
  const row = s.filtered ? rowOfSeqDesc(s.filtered.desc, s.selectedSeq) : -1;
  return row >= 0 ? (s.filtered!.desc[row] ?? null) : null;
}

/**
 * `detailDelayMs`: how soon a changed run's detail is read again once it rests (default 250);
 * `movingDetailDelayMs`: how often at most while it runs (default 1000: the run.changed events
 * already show its status and node at once, and each read decodes the run's state).
 */
export function createRunViewStore(client: StudioClient, ui: UiStoreApi, opts: { detailDelayMs?: number; movingDetailDelayMs?: number } = {}): RunViewStoreApi {
  const inflightPages = new Set<string>();
  let detailTimer: ReturnType<typeof setTimeout> | null = null;
  let detailDue = 0;
  let scrollTick = 0;
  // Reads of the open run's detail and visits answer in any order: only the newest sent is kept.
  const detailOrder = new ReadOrder();
  const visitsOrder = new ReadOrder();
  // Bumped by each open(), so an open overtaken by another (even of the same run) stops.
  let opens = 0;

  return createStore<RunViewStore>()((set, get) => {
    const current = (runId: string) => get().runId === runId;

    /** Reads the detail; shows it unless a newer read was shown meanwhile. Null when it is not shown. */
    async function readDetail(runId: string): Promise<RunDetail | null> {
      const ticket = detailOrder.ticket();
      const detail = await client.invoke('runs.get', { runId });
      if (!current(runId) || !detailOrder.admit(ticket)) return null;
      showDetail(detail);
      return detail;
    }

    function showDetail(detail: RunDetail): void {
      const before = get().ledger;
      // A grown ledgerCount with no event yet: the rows in view fetch what is missing.
      const ledger = detail.ledgerCount > before.total ? withEntries(before, [], detail.ledgerCount) : before;
      set({ detail, ledger, status: 'ready' });
      followHead(before, ledger);
    }

    async function loadPages(runId: string, pages: number[]): Promise<void> {
      const todo = pages.filter((p) => !inflightPages.has(`${runId}:${p}`));
      if (todo.length === 0) return;
      for (const p of todo) inflightPages.add(`${runId}:${p}`);
      try {
        // Adjacent pages go in one request (up to the limit), so a jump costs one round trip.
        const lo = Math.min(...todo);
        const hi = Math.max(...todo);
        const span = (hi - lo + 1) * LEDGER_PAGE_SIZE;
        const res = await client.invoke('ledger.page', { runId, fromSeq: lo * LEDGER_PAGE_SIZE, limit: Math.min(span, 5000) });
        if (current(runId)) set({ ledger: withPage(get().ledger, res) });
      } catch (err) {
        if (current(runId)) ui.getState().reportError(err, 'Could not load ledger records');
      } finally {
        for (const p of todo) inflightPages.delete(`${runId}:${p}`);
      }
    }

    async function loadFiltered(runId: string, filter: LedgerFilter): Promise<void> {
      const windows = filterWindows(get().ledger.total);
      set({ filtered: { filter, desc: [], windowsDone: 0, windowsTotal: windows.length, done: windows.length === 0 } });
      for (const [lo, hi] of windows) {
        const stillWanted = () => current(runId) && get().filtered?.filter === filter;
        if (!stillWanted()) return;
        try {
          const res = await client.invoke('ledger.page', { runId, fromSeq: lo, limit: 5000, ...filter });
          if (!stillWanted()) return;
          const f = get().filtered!;
          set({ filtered: { ...f, desc: appendOlderWindow(f.desc, res.entries, lo, hi), windowsDone: f.windowsDone + 1 } });
        } catch (err) {
          ui.getState().reportError(err, 'Could not filter the ledger');
          break;
        }
      }
      const f = get().filtered;
      if (current(runId) && f?.filter === filter) set({ filtered: { ...f, done: true } });
    }

    let visitsAt = 0;
    /** Reads the visits again: at once when the run rests, at most every 2 s while it moves (each read decodes its states). */
    async function loadVisits(runId: string, force = false): Promise<void> {
      const moving = get().detail?.status === 'running';
      if (!force && moving && Date.now() - visitsAt < 2000) return;
      visitsAt = Date.now();
      try {
        const ticket = visitsOrder.ticket();
        const visits = await client.invoke('runs.visits', { runId });
        if (current(runId) && visitsOrder.admit(ticket)) set({ visits });
      } catch {
        // The graph falls back to the ledger's path; the run's own errors are reported by runs.get.
      }
    }

    /**
     * One read for any number of changes: the reads of a moving run are spaced, and the change
     * that stops it brings the read due sooner, so the last state is always read, and soon.
     */
    function reloadDetailSoon(): void {
      // A run that moves is re-read at most once a second; one that just stopped (paused, waiting,
      // ended) at once, so what it stopped on is shown while the person looks at it.
      const d = get().detail;
      const moving = d?.status === 'running' && !d.paused;
      const delay = moving ? (opts.movingDetailDelayMs ?? 1000) : (opts.detailDelayMs ?? 250);
      const due = Date.now() + delay;
      if (detailTimer !== null && detailDue <= due) return;
      if (detailTimer !== null) clearTimeout(detailTimer);
      detailDue = due;
      detailTimer = setTimeout(() => {
        detailTimer = null;
        void get().reloadDetail();
      }, delay);
    }

    /** Follows the head: when the last record was selected, the new last one is. */
    function followHead(before: LedgerCache, after: LedgerCache): void {
      const sel = get().selectedSeq;
      if (get().filtered || sel === null || sel !== before.total - 1 || after.total <= before.total) return;
      get().select(after.total - 1);
    }

    return {
      runId: null,
      detail: null,
      visits: null,
      status: 'idle',
      error: null,
      ledger: emptyLedgerCache(),
      filter: noLedgerFilter,
      filtered: null,
      selectedSeq: null,
      scrollTarget: null,

      open: async (runId) => {
        const opening = ++opens;
        set({ runId, detail: null, visits: null, status: runId ? 'loading' : 'idle', error: null, ledger: emptyLedgerCache(), filter: noLedgerFilter, filtered: null, selectedSeq: null, scrollTarget: null });
        if (!runId) return;
        const live = () => opens === opening && current(runId);
        try {
          await readDetail(runId);
          // A newer read (the run changed while opening) may have been shown before this one.
          const detail = get().detail;
          if (!live() || !detail) return;
          void loadVisits(runId, true);
          const total = detail.ledgerCount;
          if (total === 0) return;
          // The newest records first, so the timeline shows at once however long the run is…
          const last = pageOfSeq(total - 1);
          await loadPages(runId, last > 0 ? [last - 1, last] : [last]);
          // …then, for a run small enough, the rest in the background so the graph's visit
          // counts cover the whole run.
          const firstLoaded = Math.max(0, last - 1) * LEDGER_PAGE_SIZE;
          if (total <= EAGER_LEDGER_LIMIT && firstLoaded > 0 && live()) {
            const res = await client.invoke('ledger.page', { runId, fromSeq: 0, limit: firstLoaded });
            if (live()) set({ ledger: withPage(get().ledger, res) });
          }
        } catch (err) {
          if (!live()) return;
          set({ status: 'error', error: err instanceof Error ? err.message : String(err) });
          ui.getState().reportError(err, 'Could not open the run');
        }
      },

      reloadDetail: async () => {
        const runId = get().runId;
        if (!runId) return;
        try {
          const detail = await readDetail(runId);
          if (detail) void loadVisits(runId, detail.status !== 'running');
        } catch (err) {
          if (current(runId)) ui.getState().reportError(err, 'Could not refresh the run');
        }
      },

      refresh: async () => {
        const runId = get().runId;
        if (!runId) return;
        await get().reloadDetail();
        const pages = [...get().ledger.pages.keys()].sort((a, b) => a - b);
        if (pages.length > 0) {
          const hi = (pages.at(-1)! + 1) * LEDGER_PAGE_SIZE;
          // The loaded span again, 5000 at a time: what a changed row now holds replaces what it held.
          for (let from = pages[0]! * LEDGER_PAGE_SIZE; from < hi && current(runId); from += 5000) {
            try {
              const res = await client.invoke('ledger.page', { runId, fromSeq: from, limit: Math.min(5000, hi - from) });
              if (current(runId)) set({ ledger: withPage(get().ledger, res) });
            } catch (err) {
              if (current(runId)) ui.getState().reportError(err, 'Could not reload ledger records');
              return;
            }
          }
        }
        const f = get().filtered;
        if (f && current(runId)) void loadFiltered(runId, f.filter);
      },

      applyDetail: (detail) => {
        if (!current(detail.runId)) return;
        detailOrder.adoptOther();
        showDetail(detail);
      },

      applyRunChanged: (run) => {
        if (!current(run.runId)) return;
        const d = get().detail;
        // The summary says whether the run still waits and for what; the detail's wait (its key,
        // prompt, due time) is kept only while it is that same wait, else dropped until the
        // re-read below brings the new one: a woken timer must not read "waiting for until".
        const waiting = d?.waiting && run.waitReason === d.waiting.reason && (run.waitReason !== 'user' || run.waitLabel === d.waiting.prompt) ? d.waiting : null;
        if (d) set({ detail: { ...d, ...run, waiting } });
        // Also while the run opens: the read in flight may have been made before this change.
        reloadDetailSoon();
      },

      applyLedgerAppended: (runId, entries, lastSeq) => {
        if (!current(runId) || get().status !== 'ready') return;
        const before = get().ledger;
        const ledger = withEntries(before, entries, Math.max(before.total, (lastSeq ?? -1) + 1));
        const f = get().filtered;
        set({ ledger, filtered: f ? { ...f, desc: prependNewer(f.desc, entries, f.filter) } : null });
        followHead(before, ledger);
      },

      ensureRows: (firstRow, lastRow) => {
        const { runId, ledger, filtered } = get();
        if (!runId || filtered) return;
        const missing = missingPagesForRows(ledger, firstRow, lastRow);
        if (missing.length) void loadPages(runId, missing);
      },

      setFilter: (partial) => {
        const filter = { ...get().filter, ...partial };
        set({ filter, filtered: null });
        const runId = get().runId;
        if (runId && isFiltering(filter)) void loadFiltered(runId, filter);
      },

      select: (seq, o) => {
        set({ selectedSeq: seq, scrollTarget: o?.scroll && seq !== null ? { seq, tick: ++scrollTick, center: o.center ?? false } : get().scrollTarget });
        if (seq !== null && !get().filtered && !entryAt(get().ledger, seq)) get().ensureRows(rowOfSeq(get().ledger.total, seq), rowOfSeq(get().ledger.total, seq));
      },

      selectRelative: (delta) => {
        const s = get();
        const count = timelineRowCount(s);
        if (count === 0) return;
        const row = s.selectedSeq === null ? -1 : timelineRowOfSeq(s, s.selectedSeq);
        const nextRow = Math.max(0, Math.min(count - 1, row === -1 ? 0 : row + delta));
        const seq = s.filtered ? s.filtered.desc[nextRow]?.seq : seqAtRow(s.ledger.total, nextRow);
        if (seq !== undefined) get().select(seq, { scroll: true });
      },
    };
  });
}

export const selectRunId = (s: RunViewStore) => s.runId;
export const selectDetail = (s: RunViewStore) => s.detail;
export const selectRunViewStatus = (s: RunViewStore) => s.status;
export const selectLedger = (s: RunViewStore) => s.ledger;
export const selectVisits = (s: RunViewStore) => s.visits;
export const selectLedgerFilter = (s: RunViewStore) => s.filter;
export const selectFiltered = (s: RunViewStore) => s.filtered;
export const selectSelectedSeq = (s: RunViewStore) => s.selectedSeq;
export const selectScrollTarget = (s: RunViewStore) => s.scrollTarget;
export const selectSelectedEntry = (s: RunViewStore) => selectedEntry(s);
