import { createStore, type StoreApi } from 'zustand/vanilla';
import { type RunStatus, type RunSummary, type StudioClient, type WaitReason } from '../../../shared/contract';
import { type Expansion } from '../lib/run-rows';
import { RUNS_PAGE_SIZE, missingRunPages, newerSummary, patchExpansions, patchRunPages, type RunPages } from '../lib/runs-pages';
import { type UiStoreApi } from './ui-store';

export type RunSort = 'updated_desc' | 'updated_asc' | 'created_desc' | 'created_asc';

export interface RunFilters {
  status: RunStatus | null;
  workflowId: string | null;
  waitReason: WaitReason | null;
  text: string;
  sort: RunSort;
}

export interface RunsState {
  filters: RunFilters;
  /** Number of (top-level, when nested) runs matching the filters; null before the first answer. */
  total: number | null;
  pages: RunPages;
  /** Bumped when the filters change, so answers to an older query are dropped. */
  generation: number;
  loading: boolean;
  error: string | null;
  expansions: readonly Expansion[];
  expanding: readonly string[];
}

export interface RunsActions {
  setFilters(filters: Partial<RunFilters>): void;
  /** Makes sure top-level rows [first, last] are loaded (called as the list scrolls). */
  ensureRange(first: number, last: number): void;
  refresh(): Promise<void>;
  applyRunChanged(run: RunSummary): void;
  toggleExpanded(runId: string, topIndex: number): Promise<void>;
}

export type RunsStore = RunsState & RunsActions;
export type RunsStoreApi = StoreApi<RunsStore>;

export const defaultRunFilters: RunFilters = { status: null, workflowId: null, waitReason: null, text: '', sort: 'updated_desc' };

/** Children are nested under parents only in the plain list; any filter shows matches flat. */
export function isNested(f: RunFilters): boolean {
  return f.status === null && f.workflowId === null && f.waitReason === null && f.text.trim() === '';
}

/**
 * Whether a run, as it is now, still belongs in a list with these filters (the ones the renderer
 * can judge; the text search is the server's).
 */
export function stillMatches(f: RunFilters, run: RunSummary): boolean {
  if (f.status !== null && run.status !== f.status) return false;
  if (f.workflowId !== null && run.workflowId !== f.workflowId) return false;
  return f.waitReason === null || (run.status === 'waiting' && run.waitReason === f.waitReason);
}

export function createRunsStore(client: StudioClient, ui: UiStoreApi, opts: { refreshDelayMs?: number } = {}): RunsStoreApi {
  const inflight = new Set<string>();
  let lastRange: [number, number] = [0, 60];
  let refreshTimer: ReturnType<typeof setTimeout> | null = null;
  // Changes announced while a page is being read: its answer may have been read before them, and
  // would put the old row back (a card left "running" on a completed run until the next refresh).
  const changedDuringLoads = new Map<string, RunSummary>();

  return createStore<RunsStore>()((set, get) => {
    async function loadPage(page: number, generation: number): Promise<void> {
      const key = `${generation}:${page}`;
      if (inflight.has(key)) return;
      inflight.add(key);
      const f = get().filters;
      try {
        const res = await client.invoke('runs.query', {
          status: f.status, workflowId: f.workflowId, waitReason: f.waitReason, text: f.text.trim() || null, sort: f.sort,
          offset: page * RUNS_PAGE_SIZE, limit: RUNS_PAGE_SIZE, topLevelOnly: isNested(f),
        });
        if (get().generation !== generation) return;
        const pages = new Map(get().pages);
        pages.set(page, res.items.map((r) => newerSummary(r, changedDuringLoads.get(r.runId))));
        set({ pages, total: res.total, loading: false, error: null });
      } catch (err) {
        if (get().generation !== generation) return;
        set({ loading: false, error: err instanceof Error ? err.message : String(err) });
        ui.getState().reportError(err, 'Could not load the runs list');
      } finally {
        inflight.delete(key);
        if (inflight.size === 0) changedDuringLoads.clear();
      }
    }

    function scheduleRefresh(): void {
      if (refreshTimer !== null) return;
      refreshTimer = setTimeout(() => {
        refreshTimer = null;
        void get().refresh();
      }, opts.refreshDelayMs ?? 400);
    }

    return {
      filters: defaultRunFilters,
      total: null,
      pages: new Map(),
      generation: 0,
      loading: false,
      error: null,
      expansions: [],
      expanding: [],

      setFilters: (partial) => {
        const generation = get().generation + 1;
        set({ filters: { ...get().filters, ...partial }, generation, pages: new Map(), total: null, loading: true, expansions: [] });
        void loadPage(0, generation);
      },

      ensureRange: (first, last) => {
        lastRange = [first, last];
        const { pages, total, generation } = get();
        for (const p of missingRunPages(pages, total, first, last)) void loadPage(p, generation);
      },

      refresh: async () => {
        // Indices may have shifted (new runs on top): keep only what is in view, then reload it.
        const generation = get().generation + 1;
        const [first, last] = lastRange;
        const keep = missingRunPages(new Map(), null, first, last);
        set({ generation });
        await Promise.all(keep.map((p) => loadPage(p, generation)));
        if (get().generation !== generation) return;
        const pages = new Map([...get().pages].filter(([p]) => keep.includes(p)));
        set({ pages });
      },

      applyRunChanged: (run) => {
        if (inflight.size > 0) changedDuringLoads.set(run.runId, newerSummary(run, changedDuringLoads.get(run.runId)));
        const { pages, found } = patchRunPages(get().pages, run);
        const expansions = patchExpansions(get().expansions, run);
        if (pages !== get().pages || expansions !== get().expansions) set({ pages, expansions });
        const belongsAtTop = !isNested(get().filters) || run.parentRunId === null;
        // A run new to the list, or one that has left the filter (a timer fired on a "waiting" list).
        if ((!found && belongsAtTop) || (found && !stillMatches(get().filters, run))) scheduleRefresh();
      },

      toggleExpanded: async (runId, topIndex) => {
        if (get().expansions.some((e) => e.parentRunId === runId)) {
          set({ expansions: get().expansions.filter((e) => e.parentRunId !== runId) });
          return;
        }
        set({ expanding: [...get().expanding, runId] });
        try {
          const detail = await client.invoke('runs.get', { runId });
          set({ expansions: [...get().expansions, { parentRunId: runId, topIndex, children: detail.children }] });
        } catch (err) {
          ui.getState().reportError(err, 'Could not list the child runs');
        } finally {
          set({ expanding: get().expanding.filter((id) => id !== runId) });
        }
      },
    };
  });
}

export const selectRunFilters = (s: RunsStore) => s.filters;
export const selectRunsTotal = (s: RunsStore) => s.total;
export const selectRunPages = (s: RunsStore) => s.pages;
export const selectExpansions = (s: RunsStore) => s.expansions;
export const selectExpanding = (s: RunsStore) => s.expanding;
export const selectRunsLoading = (s: RunsStore) => s.loading;
export const selectRunsError = (s: RunsStore) => s.error;
