import { type PgMigration } from './pg-migrations';

/**
 * Migration 3: every state a commit saves is kept (time travel), as per-step deltas with a full
 * keyframe now and then: the codec and policy of src/runtime/storage/state-delta, the SQLite
 * workspace's since its migration 4. (seq, n) is save order, as there: (s, 0) is the state
 * committed with record s, (s, 1), (s, 2)... later saves at the same head (seq -1: before the
 * first record). `keyframe` says which rows are full states, so a rebuild finds the nearest one
 * through an index instead of reading the text of every delta before it.
 *
 * `runs.state` stays the run's current full state: the row the run queries decode (a page of
 * 100 runs must not rebuild 100 delta chains). It is overwritten, not appended, so history grows
 * by the deltas only.
 *
 * The heads row gains the (seq, n) of the run's last saved state: a writer only writes a delta
 * when that is the state it remembers saving (another process may have driven the run since).
 *
 * Version-1 rows: each run's current state becomes a keyframe at its head (its only known state).
 * Version 2 is another migration's (run requests and workers); this one does not depend on it.
 */
export const PG_STATE_HISTORY_MIGRATION: PgMigration = {
  version: 3,
  name: 'run state history: per-step deltas with keyframes',
  sql: `
CREATE TABLE $S.run_states (
  run_id text COLLATE "C" NOT NULL,
  seq integer NOT NULL,
  n integer NOT NULL,
  keyframe boolean NOT NULL,
  state text NOT NULL,
  PRIMARY KEY (run_id, seq, n)
);
CREATE INDEX run_states_keyframes ON $S.run_states (run_id, seq, n) WHERE keyframe;
ALTER TABLE $S.heads ADD COLUMN state_seq integer, ADD COLUMN state_n integer;

INSERT INTO $S.heads (run_id, seq, record_hash) SELECT run_id, -1, NULL FROM $S.runs ON CONFLICT (run_id) DO NOTHING;
INSERT INTO $S.run_states (run_id, seq, n, keyframe, state)
  SELECT r.run_id, h.seq, CASE WHEN h.seq < 0 THEN 1 ELSE 0 END, true, r.state FROM $S.runs r JOIN $S.heads h ON h.run_id = r.run_id;
UPDATE $S.heads h SET state_seq = s.seq, state_n = s.n FROM $S.run_states s WHERE s.run_id = h.run_id;
`,
};
