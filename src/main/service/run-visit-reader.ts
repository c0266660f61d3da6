import { type CheckpointCursor, type CheckpointInfo } from '../../runtime/storage/sqlite/index';
import { type RunVisits } from '../../shared/contract/domain';
import { VisitCounter } from './run-visits';

/** Saved states one run's count reads at most (each is decoded whole). */
export const MAX_VISIT_STATES = 50_000;
const PAGE = 1000;
/** Runs whose counts are kept; the oldest read is dropped first. */
const KEPT_RUNS = 50;

interface Kept {
  counter: VisitCounter;
  after: CheckpointCursor | undefined;
  /** The source's external-change counter the count was read under. */
  changes: number | null;
  /** The read in progress: two at once would count the same states twice. */
  reading: Promise<RunVisits> | null;
}

/**
 * Counts a run's path from its saved states, carrying on from where the last count stopped:
 * states are append-only, so a run watched while it moves is read once, not again from its first
 * state on every refresh (that decoded every state each time: quadratic in the run's length). A
 * change made by someone else (a manual edit of the file) starts the count over.
 */
/** Where saved states are read from: a SQLite or a PostgreSQL workspace. */
export interface SavedStates {
  listCheckpoints(runId: string, options: { after?: CheckpointCursor; limit?: number }): Promise<CheckpointInfo[]>;
}

export class RunVisitReader {
  private readonly kept = new Map<string, Kept>();

  async read(ws: SavedStates, runId: string, changes: number | null): Promise<RunVisits> {
    let k = this.kept.get(runId);
    while (k?.reading) await k.reading.catch(() => undefined);
    k = this.kept.get(runId);
    if (!k || k.changes !== changes) k = { counter: new VisitCounter(), after: undefined, changes, reading: null };
    this.kept.delete(runId); // re-inserted last: the map's order is the order of use
    this.kept.set(runId, k);
    for (const old of this.kept.keys()) {
      if (this.kept.size <= KEPT_RUNS) break;
      this.kept.delete(old);
    }
    const kept = k;
    kept.reading = this.readOn(ws, runId, kept).finally(() => (kept.reading = null));
    return kept.reading;
  }

  private async readOn(ws: SavedStates, runId: string, k: Kept): Promise<RunVisits> {
    for (;;) {
      if (k.counter.states >= MAX_VISIT_STATES) return k.counter.result(runId, false);
      const page = await ws.listCheckpoints(runId, { after: k.after, limit: PAGE });
      for (const c of page) k.counter.add(c.state.currentNode);
      const last = page.at(-1);
      if (last) k.after = { seq: last.seq, n: last.n };
      if (page.length < PAGE) return k.counter.result(runId, true);
    }
  }
}
