import { type RunState } from '../../core/models';
import { StateDeltaTracker } from '../state-delta/state-delta';
import { decodeCheckpointState, stateText, type CheckpointState } from './checkpoint-state';
import { type SqliteDatabase } from './workspace-db';

/**
 * Migration 4: run states are stored as deltas, with a full keyframe now and then.
 *
 * Why: every save stored the whole state, so an agent whose state grows (a transcript, one
 * message a turn) wrote its whole transcript on every step: a file that grows with the square of
 * the run, and steps that slow down as it grows (2 GB after 2,000 steps of 1 KB messages). Now a
 * save stores a delta (a JsonPatch of the state, src/runtime/storage/state-delta) from the state
 * saved before it, in the same `state` column; a full state (with its large vars spilled, as
 * before) is written on a run's first save on a connection, every DEFAULT_KEYFRAME_POLICY saves,
 * and whenever the deltas since the last one would add up to more than it. A state is rebuilt
 * from the nearest full one at or before it (state-chain.ts). A delta's text starts
 * `{"$delta":1`, a full state's `{"run_id":`: readers tell them apart by the text alone, so no
 * column was added and old rows need no marking.
 *
 * This migration converts the rows existing workspaces hold: each run's states in save order go
 * through the same tracker the writer uses, and every row it would now store as a delta is
 * rewritten as one (a row that does not decode is left whole, a keyframe). Spilled values no row
 * refers to any more are dropped. The rewrite of saved states is the one change ever made to them,
 * so the append-only triggers are lifted for its length and put back exactly as they were.
 */
const TRIGGERS = ['ledger_append_only_update', 'run_states_append_only_update'];

interface Row extends CheckpointState {
  seq: number;
  n: number;
  /** 1 for a state stored with a record (ledger), 0 for one in run_states. */
  withRecord: number;
}

export function statesAsDeltas(db: SqliteDatabase): void {
  const triggers = TRIGGERS.map((name) => db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?").pluck().get(name) as string | undefined);
  for (const [i, sql] of triggers.entries()) if (sql) db.exec(`DROP TRIGGER ${TRIGGERS[i] as string}`);
  const keys = db.prepare('SELECT run_key FROM run_keys ORDER BY run_key').pluck().all() as number[];
  for (const key of keys) convertRun(db, key);
  dropUnreferencedValues(db);
  for (const sql of triggers) if (sql) db.exec(sql);
}

function convertRun(db: SqliteDatabase, key: number): void {
  const rows = [
    ...(db.prepare('SELECT 1 AS withRecord, seq, 0 AS n, state, spills FROM ledger WHERE id >= (? << 32) AND id < ((? + 1) << 32) AND state IS NOT NULL').all(key, key) as Row[]),
    ...(db.prepare('SELECT 0 AS withRecord, seq, n, state, spills FROM run_states WHERE run_key = ?').all(key) as Row[]),
  ].sort((a, b) => a.seq - b.seq || a.n - b.n);
  const tracker = new StateDeltaTracker<number>();
  const value = db.prepare('SELECT text FROM state_values WHERE sha256 = ?').pluck();
  const inLedger = db.prepare('UPDATE ledger SET state = ?, spills = NULL WHERE id = (? << 32) + ?');
  const inRunStates = db.prepare('UPDATE run_states SET state = ?, spills = NULL WHERE run_key = ? AND seq = ? AND n = ?');
  for (const row of rows) {
    let run: RunState;
    try {
      run = decodeCheckpointState(row, (sha) => (value.get(sha) as string | undefined) ?? null, `checkpoint (${row.seq}, ${row.n})`);
    } catch {
      tracker.forget(key); // kept as it is; the next state that decodes starts afresh
      continue;
    }
    const next = tracker.next(key, run);
    if (next.kind === 'keyframe') {
      tracker.keyframeSaved(key, run, stateText(run).length);
    } else if (row.withRecord) {
      inLedger.run(next.text, key, row.seq);
    } else {
      inRunStates.run(next.text, key, row.seq, row.n);
    }
  }
}

function dropUnreferencedValues(db: SqliteDatabase): void {
  const referenced = new Set<string>();
  for (const table of ['ledger', 'run_states']) {
    for (const spills of db.prepare(`SELECT spills FROM ${table} WHERE spills IS NOT NULL`).pluck().iterate() as IterableIterator<string>) {
      for (const sha of Object.values(JSON.parse(spills) as Record<string, string>)) referenced.add(sha);
    }
  }
  const all = db.prepare('SELECT sha256 FROM state_values').pluck().all() as string[];
  const drop = db.prepare('DELETE FROM state_values WHERE sha256 = ?');
  for (const sha of all) if (!referenced.has(sha)) drop.run(sha);
}
