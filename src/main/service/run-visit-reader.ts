import { recordKind, type StepRecord } from '../../runtime/index';
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
  /** The records the states were committed with: a restore's state is a jump, not a transition. */
  readonly ledger: { readLedgerPage(runId: string, query: { fromSeq?: number; limit?: number }): Promise<Array<{ seq: number; record: StepRecord }>> };
}

/**
 * The seqs among `page` whose state was committed with a restore record (n = 0 is the state
 * committed with record `seq`): the run was put back there, it did not step there.
 */
async function restoresIn(ws: SavedStates, runId: string, page: readonly CheckpointInfo[]): Promise<Set<number>> {
  const seqs = page.filter((c) => c.n === 0 && c.seq >= 0).map((c) => c.seq);
  const out = new Set<number>();
  if (seqs.length === 0) return out;
  const from = seqs[0]!;
  const to = seqs[seqs.length - 1]!;
  for (let at = from; at <= to; ) {
    const records = await ws.ledger.readLedgerPage(runId, { fromSeq: at, limit: Math.min(PAGE * 2, to - at + 1) });
    for (const { seq, record } of records) if (recordKind(record) === 'restore') out.add(seq);
    const last = records.at(-1);
    if (!last) break;
    at = last.seq + 1;
  }
  return out;
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
      const restores = await restoresIn(ws, runId, page);
      for (const c of page) {
        if (c.n === 0 && restores.has(c.seq)) k.counter.jump(c.state.currentNode);
        else k.counter.add(c.state.currentNode);
      }
      const last = page.at(-1);
      if (last) k.after = { seq: last.seq, n: last.n };
      if (page.length < PAGE) return k.counter.result(runId, true);
    }
  }
}
