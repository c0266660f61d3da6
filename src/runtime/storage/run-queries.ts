import { RunStatus, WaitReason } from '../core/enums';
import { type RunState } from '../core/models';
import { type ListRunsQuery } from './run-store';

/**
 * The reference's query semantics over any collection of runs, shared by the stores that
 * scan (memory, JSON files). The SQLite store answers the same queries from indexes.
 */
const byUpdatedDesc = (a: RunState, b: RunState): number => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0);
const byUntilAsc = (a: RunState, b: RunState): number => {
  const x = a.waiting?.until ?? '';
  const y = b.waiting?.until ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
};

export function filterRuns(runs: Iterable<RunState>, q: ListRunsQuery = {}): RunState[] {
  const hits: RunState[] = [];
  for (const r of runs) {
    if (q.status && r.status !== q.status) continue;
    if (q.waitReason && (!r.waiting || r.waiting.reason !== q.waitReason)) continue;
    if (q.workflowId && r.workflowId !== q.workflowId) continue;
    hits.push(r);
  }
  // Array.prototype.sort is stable, so runs with equal timestamps keep insertion order.
  hits.sort(byUpdatedDesc);
  return hits.slice(0, Math.max(0, q.limit ?? 100));
}

export function filterDueWaitUntil(runs: Iterable<RunState>, nowIso: string, limit = 100): RunState[] {
  const hits: RunState[] = [];
  for (const r of runs) {
    const w = r.waiting;
    if (r.status === RunStatus.WAITING && w && w.reason === WaitReason.UNTIL && w.until !== null && w.until <= nowIso) hits.push(r);
  }
  hits.sort(byUntilAsc);
  return hits.slice(0, Math.max(0, limit));
}

export function filterChildren(runs: Iterable<RunState>, parentRunId: string, status?: RunStatus | null): RunState[] {
  const hits: RunState[] = [];
  for (const r of runs) if (r.parentRunId === parentRunId && (!status || r.status === status)) hits.push(r);
  return hits;
}
