import { type RunStatus } from '../../core/enums';
import { cloneRunState, type RunState } from '../../core/models';
import { filterChildren, filterDueWaitUntil, filterRuns } from '../run-queries';
import { type ListRunsQuery, type QueryableRunStore } from '../run-store';

/**
 * Runs in a Map. Unlike the reference (which keeps the caller's object), it stores a copy on save
 * and hands out copies, so a state returned by `load` is a checkpoint, not a live alias.
 */
export class InMemoryRunStore implements QueryableRunStore {
  private readonly runs = new Map<string, RunState>();

  async save(run: RunState): Promise<void> {
    this.runs.set(run.runId, cloneRunState(run));
  }

  async load(runId: string): Promise<RunState | null> {
    const r = this.runs.get(runId);
    return r ? cloneRunState(r) : null;
  }

  async listRuns(query: ListRunsQuery = {}): Promise<RunState[]> {
    return filterRuns(this.runs.values(), query).map(cloneRunState);
  }

  async listDueWaitUntil(query: { nowIso: string; limit?: number }): Promise<RunState[]> {
    return filterDueWaitUntil(this.runs.values(), query.nowIso, query.limit).map(cloneRunState);
  }

  async listChildren(query: { parentRunId: string; status?: RunStatus | null }): Promise<RunState[]> {
    return filterChildren(this.runs.values(), query.parentRunId, query.status).map(cloneRunState);
  }

  /** Every run id, in insertion order (for tools and tests). */
  runIds(): string[] {
    return [...this.runs.keys()];
  }
}
