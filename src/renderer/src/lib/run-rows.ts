import { type RunStatus, type RunSummary } from '../../../shared/contract';

/**
 * A run shown under an expanded parent: a child run, as `runs.get` lists it, or a fork (a run
 * forked from the parent), with its whole row as `runs.query` with `forkOf` lists it.
 */
export interface ChildRow {
  runId: string;
  workflowId: string;
  status: RunStatus;
  /** Set for a fork of the parent (absent for a child run). */
  relation?: 'fork';
  summary?: RunSummary;
  /** How deep under the top-level row: 1 (absent) under it, 2 for a fork of one of its forks, and so on. */
  depth?: number;
  /** Set on a fork row whose own forks are shown below it. */
  open?: boolean;
}

/** A fork's row under its parent (at `depth` below the top-level row). */
export function forkRow(run: RunSummary, depth = 1): ChildRow {
  return depth > 1
    ? { runId: run.runId, workflowId: run.workflowId, status: run.status, relation: 'fork', summary: run, depth }
    : { runId: run.runId, workflowId: run.workflowId, status: run.status, relation: 'fork', summary: run };
}

export const depthOf = (row: ChildRow): number => row.depth ?? 1;

/** The rows of an expansion with a nested fork row opened (its forks right below it) or closed (its subtree taken out). */
export function toggleNestedRows(rows: readonly ChildRow[], runId: string, forks: readonly RunSummary[] | null): ChildRow[] {
  const i = rows.findIndex((r) => r.runId === runId);
  if (i === -1) return [...rows];
  const row = rows[i]!;
  const d = depthOf(row);
  let end = i + 1;
  while (end < rows.length && depthOf(rows[end]!) > d) end++;
  const { open: _open, ...closed } = row;
  void _open;
  if (forks === null) return [...rows.slice(0, i), closed, ...rows.slice(end)];
  return [...rows.slice(0, i), { ...closed, open: true }, ...forks.map((f) => forkRow(f, d + 1)), ...rows.slice(end)];
}

/** What an expanded run shows under it: its child runs, then its forks. */
export function nestedCount(run: Pick<RunSummary, 'childCount' | 'forkCount'>): number {
  return run.childCount + (run.forkCount ?? 0);
}

export interface Expansion {
  parentRunId: string;
  /** Index of the parent in the (paged) top-level list when it was expanded. */
  topIndex: number;
  children: readonly ChildRow[];
}

export type RowRef = { kind: 'top'; topIndex: number } | { kind: 'child'; parentRunId: string; child: ChildRow; depthIndex: number };

/**
 * The runs list is a paged list of top-level runs with the children of expanded parents shown
 * right below them. These two functions map the virtual list's row numbers onto that, without
 * materialising 100,000 rows.
 */
export function rowCount(total: number, expansions: readonly Expansion[]): number {
  let n = total;
  for (const e of expansions) if (e.topIndex < total) n += e.children.length;
  return n;
}

export function rowAt(index: number, expansions: readonly Expansion[]): RowRef {
  const sorted = [...expansions].sort((a, b) => a.topIndex - b.topIndex);
  let inserted = 0;
  for (const e of sorted) {
    const parentRow = e.topIndex + inserted;
    if (index <= parentRow) break;
    const k = index - parentRow - 1;
    if (k < e.children.length) return { kind: 'child', parentRunId: e.parentRunId, child: e.children[k]!, depthIndex: k };
    inserted += e.children.length;
  }
  return { kind: 'top', topIndex: index - inserted };
}
