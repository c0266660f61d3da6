/**
 * Schema version 1 of the workspace file. (Migration 3 replaced the ledger's generated columns
 * with the `ledger_records` view: see schema-v3.ts.) It is shaped by one number: what a step's
 * commit writes. In WAL mode every page a transaction changes is appended to the WAL as a whole
 * frame (two write calls, a checksum, and later a copy back into the file), so a step costs
 * roughly its fixed locking work plus ~6-8 µs per distinct page it touches. The layout keeps a
 * durable-loop step (two records and the new state) to about 1.7 pages: the run's ledger leaf,
 * and a share of the leaf splits (each also rewrites its parent and page 1).
 *
 * run_keys: a small integer per run id, allocated on the run's first save or first record.
 * ledger: one row per record, keyed `id = (run_key << 32) | seq`, so a run's records are one
 *   contiguous rowid range: appends, heads and pages are rowid seeks and no (run, seq) index is
 *   written per record. The hashed canonical text is the only copy of a record's content; the
 *   queryable columns (run_id, node_id, status, effect_type, idempotency_key, prev_hash) are VIRTUAL generated columns computed from
 *   it, so they can never disagree with what was hashed (SQLite refuses an UPDATE of them, and a
 *   tamper of the text shows up as a record_hash_mismatch). SQLite computes generated columns on
 *   every INSERT, so they all go through `is_json`, which parses the text once; `->>` then reads
 *   the parse SQLite cached (guarding each column with its own json_valid cost four times more).
 *   `seq` starts at 0 per run, which is also the index the chain verifier reports.
 *   `completed_key` is the idempotency key of a completed record, written by the appender: a
 *   lookup aid, not record content (the lookup checks the decoded record again, and
 *   checkIntegrity compares it with the text). `key_order` is a presentation hint (the written key
 *   order of user objects, which canonical text sorts); it cannot change any value, so it is not
 *   hashed. `signature` is not hashed either (as in the reference).
 * checkpoints (time travel): the run state saved by a commit is stored in the `state` column of
 *   the last record that commit appended for the run (same row, usually the same page), so a step
 *   writes no separate checkpoint row or index. A save that appends no record (start, a node
 *   without an effect) goes to run_states, keyed (run, head seq, n). The `checkpoints` view shows
 *   both as one list; (seq, n) is save order (the state stored with record `seq` has n = 0). Large
 *   top-level vars are stored once in state_values and referenced (`spills`).
 * runs: the columns the queries filter and sort on, one row per run; the current state is the
 *   run's latest checkpoint. The row (and the four indexes that hold updated_at) is rewritten on
 *   every save except one case: a save that keeps the run `running` with the same indexed
 *   columns, within the same tenth of a second as the stored updated_at. So a running run's row
 *   may lag its state by < 100 ms (that is what lets a step skip five page writes); `listRuns`
 *   re-sorts such runs by their saved state, so its results stay exact.
 * blobs/blob_chunks: artifact content stored once per sha256, in fixed-size chunks, so a chunked
 *   read touches only the chunks it needs.
 */
// Each generated column costs ~0.2 µs per appended record on top of the one parse, so only the
// columns queries and checks use are here; any other field is one json_extract(canonical, ...) away.
/** The record fields schema 1 made queryable, and where they are in the record text (migration 3 keeps them, as a view). */
export const LEDGER_FIELD_PATHS: Readonly<Record<string, string>> = {
  run_id: '$.run_id',
  node_id: '$.node_id',
  status: '$.status',
  effect_type: '$.effect.type',
  idempotency_key: '$.idempotency_key',
  prev_hash: '$.prev_hash',
};
const GENERATED = Object.entries(LEDGER_FIELD_PATHS)
  .map(([col, path]) => `  ${col} TEXT GENERATED ALWAYS AS (CASE WHEN is_json THEN canonical ->> '${path}' END) VIRTUAL`)
  .join(',\n');

export const SCHEMA_V1 = `
CREATE TABLE schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  applied_at TEXT NOT NULL
);

CREATE TABLE run_keys (
  run_key INTEGER PRIMARY KEY,
  run_id  TEXT NOT NULL UNIQUE
);

CREATE TABLE runs (
  created_seq           INTEGER PRIMARY KEY,
  run_id                TEXT NOT NULL UNIQUE,
  workflow_id           TEXT NOT NULL,
  status                TEXT NOT NULL CHECK (status IN ('running', 'waiting', 'completed', 'failed', 'cancelled')),
  wait_reason           TEXT,
  wait_until            TEXT,
  parent_run_id         TEXT,
  created_at            TEXT NOT NULL,
  updated_at            TEXT NOT NULL,
  forked_from_run_id    TEXT,
  forked_from_seq       INTEGER,
  forked_from_head_hash TEXT
);
CREATE INDEX runs_by_updated ON runs (updated_at DESC);
CREATE INDEX runs_by_status ON runs (status, updated_at DESC);
CREATE INDEX runs_by_workflow ON runs (workflow_id, updated_at DESC);
CREATE INDEX runs_by_wait_reason ON runs (wait_reason, updated_at DESC) WHERE wait_reason IS NOT NULL;
CREATE INDEX runs_due_until ON runs (wait_until) WHERE status = 'waiting' AND wait_reason = 'until' AND wait_until IS NOT NULL;
CREATE INDEX runs_by_parent ON runs (parent_run_id) WHERE parent_run_id IS NOT NULL;
CREATE INDEX runs_by_fork_origin ON runs (forked_from_run_id) WHERE forked_from_run_id IS NOT NULL;

CREATE TABLE ledger (
  id            INTEGER PRIMARY KEY,
  seq           INTEGER NOT NULL,
  canonical     TEXT NOT NULL,
  record_hash   TEXT NOT NULL,
  signature     TEXT,
  key_order     TEXT,
  completed_key TEXT,
  state         TEXT,
  spills        TEXT,
  is_json       INTEGER GENERATED ALWAYS AS (json_valid(canonical)) VIRTUAL,
${GENERATED}
);

CREATE TABLE run_states (
  run_key INTEGER NOT NULL,
  seq     INTEGER NOT NULL,
  n       INTEGER NOT NULL,
  state   TEXT NOT NULL,
  spills  TEXT,
  PRIMARY KEY (run_key, seq, n)
) WITHOUT ROWID;

CREATE VIEW checkpoints (run_id, seq, n, state, spills) AS
  SELECT run_id, seq, 0, state, spills FROM ledger WHERE state IS NOT NULL
  UNION ALL
  SELECT k.run_id, s.seq, s.n, s.state, s.spills FROM run_states s JOIN run_keys k ON k.run_key = s.run_key;

CREATE TABLE state_values (
  sha256 TEXT PRIMARY KEY,
  text   TEXT NOT NULL
);

-- Append-only. The one exception is filling a missing signature once (signing after the fact);
-- nothing that is hashed, and no saved state, can change.
CREATE TRIGGER ledger_append_only_update BEFORE UPDATE ON ledger
WHEN NOT (OLD.signature IS NULL AND NEW.signature IS NOT NULL AND NEW.id IS OLD.id AND NEW.seq IS OLD.seq
          AND NEW.canonical IS OLD.canonical AND NEW.record_hash IS OLD.record_hash AND NEW.key_order IS OLD.key_order
          AND NEW.completed_key IS OLD.completed_key AND NEW.state IS OLD.state AND NEW.spills IS OLD.spills)
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: a recorded step cannot be changed'); END;
CREATE TRIGGER ledger_append_only_delete BEFORE DELETE ON ledger
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: a recorded step cannot be deleted'); END;
CREATE TRIGGER run_states_append_only_update BEFORE UPDATE ON run_states
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only: a saved state cannot be changed'); END;
CREATE TRIGGER run_states_append_only_delete BEFORE DELETE ON run_states
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only: a saved state cannot be deleted'); END;

-- One row per run being ticked right now (a handful): one b-tree, so taking or releasing a lease
-- writes one page; the per-owner operations (renew, release all) scan it.
CREATE TABLE run_leases (
  run_id      TEXT PRIMARY KEY,
  owner       TEXT NOT NULL,
  pid         INTEGER NOT NULL,
  host        TEXT NOT NULL,
  acquired_at TEXT NOT NULL,
  expires_at  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE blobs (
  sha256     TEXT PRIMARY KEY,
  size       INTEGER NOT NULL,
  chunk_size INTEGER NOT NULL
);
CREATE TABLE blob_chunks (
  sha256 TEXT NOT NULL REFERENCES blobs (sha256) ON DELETE CASCADE,
  idx    INTEGER NOT NULL,
  data   BLOB NOT NULL,
  PRIMARY KEY (sha256, idx)
);

CREATE TABLE artifacts (
  artifact_id  TEXT PRIMARY KEY,
  sha256       TEXT NOT NULL REFERENCES blobs (sha256),
  content_type TEXT NOT NULL,
  size_bytes   INTEGER NOT NULL,
  created_at   TEXT NOT NULL,
  run_id       TEXT,
  tags         TEXT NOT NULL
);
CREATE INDEX artifacts_by_run ON artifacts (run_id) WHERE run_id IS NOT NULL;
CREATE INDEX artifacts_by_created ON artifacts (created_at DESC);
CREATE INDEX artifacts_by_blob ON artifacts (sha256);

CREATE TABLE snapshots (
  snapshot_id TEXT PRIMARY KEY,
  run_id      TEXT NOT NULL,
  step_id     TEXT,
  name        TEXT NOT NULL,
  description TEXT,
  tags        TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  run_state   TEXT NOT NULL
);
CREATE INDEX snapshots_by_run ON snapshots (run_id);
`;

/** SQL for "rowid `id` is in run `?`'s range": bind the run key twice. */
export const RUN_RANGE = 'id >= (? << 32) AND id < ((? + 1) << 32)';
