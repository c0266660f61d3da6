import { isStateDeltaText } from '../state-delta/state-delta';
import { type CheckpointState } from './checkpoint-state';
import { type WorkspaceDb } from './workspace-db';

/** A saved state's row: where it is in the run's save order, and what it holds (a full state or a delta). */
export interface StateRow extends CheckpointState {
  seq: number;
  n: number;
}

/** The rows that rebuild one saved state: the keyframe (or a state the caller keeps), then the deltas after it, in save order. */
export interface StateChain {
  keyframe: StateRow;
  deltas: StateRow[];
  /** True when `keyframe` is a row `kept` said the caller has rebuilt already (its text may be a delta). */
  kept: boolean;
}

// Both walk backwards from the target, in save order: (seq, 0) is the state stored with record seq.
const LEDGER_DOWN = 'SELECT seq, 0 AS n, state, spills FROM ledger WHERE id >= (? << 32) AND id <= (? << 32) + ? AND state IS NOT NULL ORDER BY id DESC';
const RUN_STATES_DOWN = 'SELECT seq, n, state, spills FROM run_states WHERE run_key = ? AND (seq, n) <= (?, ?) ORDER BY seq DESC, n DESC';

const after = (a: StateRow, b: StateRow): boolean => a.seq > b.seq || (a.seq === b.seq && a.n > b.n);

/**
 * The rows from the nearest keyframe at or before (seq, n) up to (seq, n), or null when a delta
 * has no keyframe before it (a damaged file: the caller reports it). Reads backwards through both
 * tables at once, merging them in save order, and stops at the first full state, or earlier at
 * the first row `kept` names (a state the caller has rebuilt already: no need to read further).
 */
export function readStateChain(db: WorkspaceDb, runKey: number, seq: number, n: number, kept: (row: StateRow) => boolean = () => false): StateChain | null {
  const inLedger = seq >= 0 ? (db.stmt(LEDGER_DOWN).iterate(runKey, runKey, seq) as IterableIterator<StateRow>) : null;
  const inRunStates = db.stmt(RUN_STATES_DOWN).iterate(runKey, seq, n) as IterableIterator<StateRow>;
  try {
    const deltas: StateRow[] = [];
    let a = inLedger?.next().value as StateRow | undefined;
    let b = inRunStates.next().value as StateRow | undefined;
    while (a || b) {
      let row: StateRow;
      if (a && (!b || after(a, b))) {
        row = a;
        a = inLedger?.next().value as StateRow | undefined;
      } else {
        row = b as StateRow;
        b = inRunStates.next().value as StateRow | undefined;
      }
      if (kept(row)) return { keyframe: row, deltas: deltas.reverse(), kept: true };
      if (!isStateDeltaText(row.state)) return { keyframe: row, deltas: deltas.reverse(), kept: false };
      deltas.push(row);
    }
    return null;
  } finally {
    inLedger?.return?.();
    inRunStates.return?.();
  }
}
