import { createStore, type StoreApi } from 'zustand/vanilla';
import { type BulkRunAction, type BulkRunResult, type RunSummary, type StudioClient } from '../../../shared/contract';
import { defaultRunFilters, formatRunQuery, parseRunQuery, type RunFilters } from '../lib/run-query';
import { forkRow, toggleNestedRows, type ChildRow, type Expansion } from '../lib/run-rows';
import { RUNS_PAGE_SIZE, runAt, missingRunPages, newerSummary, patchExpansions, patchRunPages, type RunPages } from '../lib/runs-pages';
import { type UiStoreApi } from './ui-store';

export { defaultRunFilters, type RunFilters, type RunSort } from '../lib/run-query';

export interface BulkReport {
  action: BulkRunAction;
  results: readonly BulkRunResult[];
}

export interface RunsState {
  filters: RunFilters;
  /** The filter field's text as typed (may not parse), and what is wrong with it when it does not. */
  filterText: string;
  filterHint: string | null;
  /** Number of (top-level, when nested) runs matching the filters; null before the first answer. */
  total: number | null;
  pages: RunPages;
  /** Bumped when the filters change, so answers to an older query are dropped. */
  generation: number;
  loading: boolean;
  error: string | null;
  expansions: readonly Expansion[];
  expanding: readonly string[];
  /** Runs ticked for a bulk action (ids, so a selection survives paging and refreshes). */
  selected: ReadonlySet<string>;
  bulkPending: BulkRunAction | null;
  /** The outcome of the last bulk action, run by run, until dismissed. */
  bulkReport: BulkReport | null;
}

export interface RunsActions {
  setFilters(filters: Partial<RunFilters>): void;
  /** Reads the filter field: applied when it parses, else kept with a hint and the list left as it was. */
  setFilterText(text: string): void;
  /** Makes sure top-level rows [first, last] are loaded (called as the list scrolls). */
  ensureRange(first: number, last: number): void;
  refresh(): Promise<void>;
  applyRunChanged(run: RunSummary): void;
  toggleExpanded(runId: string, topIndex: number): Promise<void>;
  /** Opens or closes the forks of a fork shown under the top-level run `topRunId`. */
  toggleNestedForks(topRunId: string, runId: string): Promise<void>;
  toggleSelected(runId: string): void;
  setSelected(runIds: Iterable<string>): void;
  /** Runs the action on every selected run; failed runs stay selected, so they can be retried or looked at. */
  bulk(action: BulkRunAction): Promise<BulkReport | null>;
  dismissBulkReport(): void;
}

export type RunsStore = RunsState & RunsActions;
export type RunsStoreApi = StoreApi<RunsStore>;

/** Children and forks are nested under parents only in the plain list; any filter shows matches flat. */
export function isNested(f: RunFilters): boolean {
  return f.status === null && !f.deletedOnly && f.workflowId === null && f.waitReason === null && f.archived === 'exclude' && f.forkOf === null && f.text.trim() === '';
}

/** A parent's forks listed under it: at most this many (a run forked more often says so and `fork:<id>` lists them all). */
export const FORKS_SHOWN = 1000;

/** Tombstones are listed among the runs, except under a filter a tombstone cannot match. */
function deletedMode(f: RunFilters): 'exclude' | 'only' | 'include' {
  if (f.deletedOnly) return 'only';
  return f.status !== null || f.waitReason !== null || f.archived === 'only' ? 'exclude' : 'include';
}

/**
 * Whether a run, as it is now, still belongs in a list with these filters (the ones the renderer
 * can judge; the text search is the server's).
 */
export function stillMatches(f: RunFilters, run: RunSummary): boolean {
  if (f.status !== null && run.status !== f.status) return false;
  if (f.workflowId !== null && run.workflowId !== f.workflowId) return false;
  if (f.archived === 'exclude' && run.archived) return false;
  if (f.archived === 'only' && !run.archived) return false;
  if (f.forkOf !== null && run.forkedFrom?.runId !== f.forkOf) return false;
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
          offset: page * RUNS_PAGE_SIZE, limit: RUNS_PAGE_SIZE, topLevelOnly: isNested(f), nestForks: isNested(f), forkOf: f.forkOf,
          archived: f.archived, deleted: deletedMode(f),
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

    async function refreshNestedRow(runId: string): Promise<void> {
      try {
        const { waiting: _w, stateJson: _s, varsJson: _v, outputJson: _o, breakpoints: _b, forks: _f, children: _c, ledgerHead: _l, ledgerNotice: _n, workflowVersion: _wv, ...summary } = await client.invoke('runs.get', { runId });
        get().applyRunChanged(summary);
      } catch {
        // The row keeps its count until the next expand; the fork itself is listed under `fork:<id>`.
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
      filterText: '',
      filterHint: null,
      total: null,
      pages: new Map(),
      generation: 0,
      loading: false,
      error: null,
      expansions: [],
      expanding: [],
      selected: new Set(),
      bulkPending: null,
      bulkReport: null,

      setFilters: (partial) => {
        const generation = get().generation + 1;
        const filters = { ...get().filters, ...partial };
        set({ filters, filterText: formatRunQuery(filters), filterHint: null, generation, pages: new Map(), total: null, loading: true, expansions: [] });
        void loadPage(0, generation);
      },

      setFilterText: (text) => {
        const parsed = parseRunQuery(text);
        if (!parsed.ok) {
          set({ filterText: text, filterHint: parsed.hint });
          return;
        }
        if (formatRunQuery(parsed.filters) === formatRunQuery(get().filters)) {
          set({ filterText: text, filterHint: null });
          return;
        }
        get().setFilters(parsed.filters);
        set({ filterText: text });
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
        const before = get().expansions;
        const expansions = patchExpansions(before, run);
        // A new fork of a fork shown closed under its parent: that row's count is read again (it says how many to open).
        const origin = run.forkedFrom?.runId ?? null;
        if (origin && expansions === before && before.some((e) => e.children.some((c) => c.runId === origin))) void refreshNestedRow(origin);
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
        const parent = runAt(get().pages, topIndex);
        set({ expanding: [...get().expanding, runId] });
        try {
          const rows: ChildRow[] = [];
          if (!parent || parent.childCount > 0) rows.push(...(await client.invoke('runs.get', { runId })).children);
          if (!parent || (parent.forkCount ?? 0) > 0) {
            const forks = await client.invoke('runs.query', {
              forkOf: runId, sort: 'created_asc', offset: 0, limit: FORKS_SHOWN, topLevelOnly: false, nestForks: false, archived: 'include', deleted: 'exclude',
            });
            rows.push(...forks.items.map(forkRow));
          }
          if (get().expansions.some((e) => e.parentRunId === runId)) return;
          set({ expansions: [...get().expansions, { parentRunId: runId, topIndex, children: rows }] });
        } catch (err) {
          ui.getState().reportError(err, 'Could not list the child runs and forks');
        } finally {
          set({ expanding: get().expanding.filter((id) => id !== runId) });
        }
      },

      toggleNestedForks: async (topRunId, runId) => {
        const rowsOf = () => get().expansions.find((e) => e.parentRunId === topRunId)?.children ?? null;
        const row = rowsOf()?.find((r) => r.runId === runId);
        if (!row) return;
        const update = (children: ChildRow[]) => set({ expansions: get().expansions.map((e) => (e.parentRunId === topRunId ? { ...e, children } : e)) });
        if (row.open) {
          update(toggleNestedRows(rowsOf() ?? [], runId, null));
          return;
        }
        set({ expanding: [...get().expanding, runId] });
        try {
          const forks = await client.invoke('runs.query', {
            forkOf: runId, sort: 'created_asc', offset: 0, limit: FORKS_SHOWN, topLevelOnly: false, nestForks: false, archived: 'include', deleted: 'exclude',
          });
          const rows = rowsOf();
          if (rows && !rows.find((r) => r.runId === runId)?.open) update(toggleNestedRows(rows, runId, forks.items));
        } catch (err) {
          ui.getState().reportError(err, 'Could not list the forks');
        } finally {
          set({ expanding: get().expanding.filter((id) => id !== runId) });
        }
      },

      toggleSelected: (runId) => {
        const selected = new Set(get().selected);
        if (!selected.delete(runId)) selected.add(runId);
        set({ selected });
      },

      setSelected: (runIds) => set({ selected: new Set(runIds) }),

      bulk: async (action) => {
        const runIds = [...get().selected];
        if (runIds.length === 0 || get().bulkPending) return null;
        set({ bulkPending: action });
        try {
          const results = await client.invoke('runs.bulk', { action, runIds });
          const report: BulkReport = { action, results };
          set({ bulkReport: report, selected: new Set(results.filter((r) => !r.ok).map((r) => r.runId)) });
          for (const r of results) if (r.ok && r.summary && !r.summary.deleted) get().applyRunChanged(r.summary);
          await get().refresh();
          return report;
        } catch (err) {
          ui.getState().reportError(err, `Could not ${action} the selected runs`);
          return null;
        } finally {
          set({ bulkPending: null });
        }
      },

      dismissBulkReport: () => set({ bulkReport: null }),
    };
  });
}

export const selectRunFilters = (s: RunsStore) => s.filters;
export const selectFilterText = (s: RunsStore) => s.filterText;
export const selectFilterHint = (s: RunsStore) => s.filterHint;
export const selectRunsTotal = (s: RunsStore) => s.total;
export const selectRunPages = (s: RunsStore) => s.pages;
export const selectExpansions = (s: RunsStore) => s.expansions;
export const selectExpanding = (s: RunsStore) => s.expanding;
export const selectRunsLoading = (s: RunsStore) => s.loading;
export const selectRunsError = (s: RunsStore) => s.error;
export const selectSelectedRuns = (s: RunsStore) => s.selected;
export const selectBulkPending = (s: RunsStore) => s.bulkPending;
export const selectBulkReport = (s: RunsStore) => s.bulkReport;
