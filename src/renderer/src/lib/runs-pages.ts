import { type RunSummary } from '../../../shared/contract';
import { depthOf, forkRow, type Expansion } from './run-rows';

export const RUNS_PAGE_SIZE = 200;

export type RunPages = ReadonlyMap<number, readonly RunSummary[]>;

export function runAt(pages: RunPages, topIndex: number): RunSummary | undefined {
  return pages.get(Math.floor(topIndex / RUNS_PAGE_SIZE))?.[topIndex % RUNS_PAGE_SIZE];
}

/** Pages covering top-level indices [first, last] that are not loaded yet. */
export function missingRunPages(pages: RunPages, total: number | null, first: number, last: number): number[] {
  const out: number[] = [];
  const end = total === null ? last : Math.min(last, total - 1);
  for (let p = Math.floor(Math.max(0, first) / RUNS_PAGE_SIZE); p <= Math.floor(Math.max(0, end) / RUNS_PAGE_SIZE); p++) {
    if (!pages.has(p)) out.push(p);
  }
  return out;
}

/** Of two summaries of one run, the one saved last (an event can land after a list read later); `a` on a tie. */
export function newerSummary(a: RunSummary, b: RunSummary | undefined): RunSummary {
  if (!b) return a;
  // Instants, not strings: a Python time without microseconds is shorter ("…:05+00:00").
  const ta = Date.parse(a.updatedAt);
  const tb = Date.parse(b.updatedAt);
  const later = !Number.isNaN(ta) && !Number.isNaN(tb) && ta !== tb ? tb > ta : b.updatedAt > a.updatedAt;
  return later ? b : a;
}

/**
 * Applies a live `run.changed` to the loaded rows in place. Rows are not re-sorted: a list that
 * reorders itself under the pointer is worse than one that is a moment out of order (a refresh
 * brings the order back). Returns the same map when the run is not loaded, or when the row
 * already shows a later state than the event.
 */
export function patchRunPages(pages: RunPages, run: RunSummary): { pages: RunPages; found: boolean } {
  for (const [p, rows] of pages) {
    const i = rows.findIndex((r) => r.runId === run.runId);
    if (i === -1) continue;
    if (newerSummary(run, rows[i]) !== run) return { pages, found: true };
    const next = new Map(pages);
    const copy = rows.slice();
    copy[i] = run;
    next.set(p, copy);
    return { pages: next, found: true };
  }
  return { pages, found: false };
}

/** Keeps the children and forks shown under an expanded parent in step with live changes. */
export function patchExpansions(expansions: readonly Expansion[], run: RunSummary): readonly Expansion[] {
  const fork = run.forkedFrom?.runId ?? null;
  if (!run.parentRunId && !fork) return expansions;
  let changed = false;
  const next = expansions.map((e) => {
    const i = e.children.findIndex((c) => c.runId === run.runId);
    if (i !== -1) {
      // Shown already (at whatever depth): the row is updated in place.
      changed = true;
      const old = e.children[i]!;
      const row = old.relation === 'fork' ? { ...forkRow(run, depthOf(old)), ...(old.open ? { open: true } : {}) } : { runId: run.runId, workflowId: run.workflowId, status: run.status };
      return { ...e, children: e.children.map((c, j) => (j === i ? row : c)) };
    }
    if (e.parentRunId === run.parentRunId || e.parentRunId === fork) {
      changed = true;
      return { ...e, children: [...e.children, e.parentRunId === fork ? forkRow(run) : { runId: run.runId, workflowId: run.workflowId, status: run.status }] };
    }
    // A new fork of an opened nested fork: at the end of that fork's rows.
    const at = e.children.findIndex((c) => c.runId === fork && c.open);
    if (at === -1) return e;
    changed = true;
    const d = depthOf(e.children[at]!);
    let end = at + 1;
    while (end < e.children.length && depthOf(e.children[end]!) > d) end++;
    return { ...e, children: [...e.children.slice(0, end), forkRow(run, d + 1), ...e.children.slice(end)] };
  });
  return changed ? next : expansions;
}
