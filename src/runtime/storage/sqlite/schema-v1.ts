/**
 * Schema version 1 of the workspace file. Design notes (why, briefly):
 *
 * ledger: the hashed canonical text is the only copy of a record's content. The queryable columns
 *   (status, node_id, idempotency_key, ...) are VIRTUAL generated columns computed from it, so
 *   they can never disagree with what was hashed: SQLite refuses an UPDATE of them, and a tamper
 *   of the text shows up as a record_hash_mismatch. They are computed when read, never on insert
 *   (which is why the table has no CHECK constraint: one would make SQLite compute them all, at a
 *   JSON parse each). The idempotency lookup needs an index, and an index on a generated column
 *   costs a JSON parse per append, so it uses `completed_key` instead: the idempotency key of a
 *   completed record, written by the appender. It is a lookup aid, not record content: the lookup
 *   checks the decoded record again, and checkIntegrity compares it with the text. `seq` starts at 0 per run, which is also the
 *   index the chain verifier reports. `key_order` is a presentation hint (the written key order
 *   of user objects, which canonical text sorts); it cannot change any value, so it is not hashed.
 *   `signature` is not hashed either (as in the reference). The generated columns guard against a
 *   text that is not JSON (after tampering), so reading them never throws.
 * checkpoints: the run state after every commit, tagged with the run's ledger head seq at that
 *   moment (-1 before the first record): time travel. Large top-level vars are stored once in
 *   state_values and referenced (`spills`), so an unchanged big value is not copied per step.
 * runs: the indexed columns the queries filter and sort on, and a pointer to the latest
 *   checkpoint (the current state is stored once, not twice). `created_seq` is the rowid alias:
 *   the workspace-wide creation order, kept across upserts.
 * blobs/blob_chunks: artifact content stored once per sha256, in fixed-size chunks, so a chunked
 *   read touches only the chunks it needs.
 */
const J = (path: string): string => `(CASE WHEN json_valid(canonical) THEN json_extract(canonical, '${path}') END)`;

export const SCHEMA_V1 = `
CREATE TABLE schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  applied_at TEXT NOT NULL
);

CREATE TABLE checkpoints (
  id     INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL,
  seq    INTEGER NOT NULL,
  state  TEXT NOT NULL,
  spills TEXT
);
CREATE INDEX checkpoints_by_seq ON checkpoints (run_id, seq);

CREATE TABLE state_values (
  sha256 TEXT PRIMARY KEY,
  text   TEXT NOT NULL
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
  checkpoint_id         INTEGER NOT NULL REFERENCES checkpoints (id),
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
  run_id          TEXT NOT NULL,
  seq             INTEGER NOT NULL,
  canonical       TEXT NOT NULL,
  record_hash     TEXT NOT NULL,
  signature       TEXT,
  key_order       TEXT,
  completed_key   TEXT,
  step_id         TEXT GENERATED ALWAYS AS ${J('$.step_id')} VIRTUAL,
  node_id         TEXT GENERATED ALWAYS AS ${J('$.node_id')} VIRTUAL,
  status          TEXT GENERATED ALWAYS AS ${J('$.status')} VIRTUAL,
  effect_type     TEXT GENERATED ALWAYS AS ${J('$.effect.type')} VIRTUAL,
  idempotency_key TEXT GENERATED ALWAYS AS ${J('$.idempotency_key')} VIRTUAL,
  attempt         INTEGER GENERATED ALWAYS AS ${J('$.attempt')} VIRTUAL,
  actor_id        TEXT GENERATED ALWAYS AS ${J('$.actor_id')} VIRTUAL,
  started_at      TEXT GENERATED ALWAYS AS ${J('$.started_at')} VIRTUAL,
  ended_at        TEXT GENERATED ALWAYS AS ${J('$.ended_at')} VIRTUAL,
  prev_hash       TEXT GENERATED ALWAYS AS ${J('$.prev_hash')} VIRTUAL,
  PRIMARY KEY (run_id, seq)
);
CREATE INDEX ledger_completed_by_key ON ledger (run_id, completed_key, seq) WHERE completed_key IS NOT NULL;

-- Append-only. The one exception is filling a missing signature once (signing after the fact);
-- nothing that is hashed can change.
CREATE TRIGGER ledger_append_only_update BEFORE UPDATE ON ledger
WHEN NOT (OLD.signature IS NULL AND NEW.signature IS NOT NULL AND NEW.run_id IS OLD.run_id AND NEW.seq IS OLD.seq
          AND NEW.canonical IS OLD.canonical AND NEW.record_hash IS OLD.record_hash AND NEW.key_order IS OLD.key_order
          AND NEW.completed_key IS OLD.completed_key)
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: a recorded step cannot be changed'); END;
CREATE TRIGGER ledger_append_only_delete BEFORE DELETE ON ledger
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only: a recorded step cannot be deleted'); END;
CREATE TRIGGER checkpoints_append_only_update BEFORE UPDATE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only: a saved state cannot be changed'); END;
CREATE TRIGGER checkpoints_append_only_delete BEFORE DELETE ON checkpoints
BEGIN SELECT RAISE(ABORT, 'checkpoints are append-only: a saved state cannot be deleted'); END;

CREATE TABLE run_leases (
  run_id      TEXT PRIMARY KEY,
  owner       TEXT NOT NULL,
  pid         INTEGER NOT NULL,
  host        TEXT NOT NULL,
  acquired_at TEXT NOT NULL,
  expires_at  INTEGER NOT NULL
);
CREATE INDEX run_leases_by_owner ON run_leases (owner);

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
