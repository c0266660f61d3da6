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
}

/** A fork's row under its parent. */
export function forkRow(run: RunSummary): ChildRow {
  return { runId: run.runId, workflowId: run.workflowId, status: run.status, relation: 'fork', summary: run };
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
