import Database from 'better-sqlite3';
import { decodeRunState, encodeRunState } from '../../../core/codecs';
import { cloneJson, type JsonObject } from '../../../json/json-value';
import { applyStateDelta, isStateDeltaText } from '../../state-delta/state-delta';
import { decodeCheckpointState, stateText } from '../checkpoint-state';

interface Saved {
  run_id: string;
  seq: number;
  n: number;
  state: string;
  spills: string | null;
}

export interface RawSavedState {
  seq: number;
  n: number;
  /** The state's canonical text. */
  text: string;
  /** Whether the row is a delta (else a whole state). */
  delta: boolean;
  /** The row's `spills` column as stored (whole values by sha256, or chunk lists since migration 8). */
  spills: string | null;
}

/**
 * Every saved state of a workspace file as its rows say, read without the workspace code under
 * test (for migration tests on fixture files): per run in save order, each whole row decoded
 * with its spilled values, each delta applied to the state before it. Throws on a delta with no
 * state before it.
 */
export function rawSavedStates(path: string): Map<string, RawSavedState[]> {
  const raw = new Database(path, { readonly: true });
  try {
    const value = raw.prepare('SELECT text FROM state_values WHERE sha256 = ?').pluck();
    const rows = raw.prepare('SELECT run_id, seq, n, state, spills FROM checkpoints ORDER BY run_id, seq, n').all() as Saved[];
    const out = new Map<string, RawSavedState[]>();
    let dict: JsonObject | null = null;
    let run: string | null = null;
    for (const r of rows) {
      if (r.run_id !== run) dict = null;
      run = r.run_id;
      if (isStateDeltaText(r.state)) {
        if (!dict) throw new Error(`fixture: run ${r.run_id} has a delta at (${r.seq}, ${r.n}) with no state before it`);
        dict = applyStateDelta(dict, r.state, 'fixture');
      } else {
        dict = encodeRunState(decodeCheckpointState(r, (sha) => (value.get(sha) as string | undefined) ?? null, 'fixture'));
      }
      if (!out.has(r.run_id)) out.set(r.run_id, []);
      out.get(r.run_id)?.push({ seq: r.seq, n: r.n, text: stateText(decodeRunState(cloneJson(dict), 'fixture')), delta: isStateDeltaText(r.state), spills: r.spills });
    }
    return out;
  } finally {
    raw.close();
  }
}
