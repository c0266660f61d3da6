import { type PgMigration } from './pg-migrations';

/**
 * Migration 7 (issue 16): archive and delete of runs, as the SQLite workspace has them (its
 * schema-v7), and where each traced record sits in its trace (its schema-v6 `record_traces`).
 *
 * - Archive: who and when, on `runs`. An archived run keeps all its data and is only left out of
 *   the default runs list; a partial index keeps the archived ones findable.
 * - Delete: a `run_tombstones` row is written first (who, when, the run's workflow, final status
 *   and node, how many records it had and the hash of the last one: the chain head it ended on;
 *   its creation order, so it sorts among the runs as on SQLite), then the run's records, saved
 *   states, snapshots, artifacts, chain head and run row go in the same transaction.
 * - A deleted run is never written again: triggers refuse a new `runs`, `heads` or `run_requests`
 *   row for a run id with a tombstone (SQLSTATE AR410), so a worker that still knew the run, or a
 *   late request, cannot bring it back half-made. Every commit of a run's first record or state
 *   makes one of those rows, so no record or state of a deleted run can land. Requests still open
 *   when the run is deleted are failed by the delete (RUN_DELETED): no one would carry them out.
 * - `record_traces`: the OpenTelemetry trace and span id of each traced record, kept beside the
 *   record (never in it: the hash must not depend on tracing).
 *
 * Self-contained: it depends on no migration above 6.
 */
export const PG_RUN_ARCHIVE_MIGRATION: PgMigration = {
  version: 7,
  name: 'archive and delete of runs (archived_at, run_tombstones, deleted runs never written again), record_traces',
  sql: `
ALTER TABLE $S.runs ADD COLUMN archived_at text COLLATE "C";
ALTER TABLE $S.runs ADD COLUMN archived_by text;
CREATE INDEX runs_archived ON $S.runs (archived_at DESC, created_seq) WHERE archived_at IS NOT NULL;

CREATE TABLE $S.run_tombstones (
  run_id text COLLATE "C" PRIMARY KEY,
  created_seq bigint NOT NULL,
  workflow_id text COLLATE "C" NOT NULL,
  parent_run_id text COLLATE "C",
  final_status text COLLATE "C" NOT NULL,
  current_node text NOT NULL,
  created_at text COLLATE "C" NOT NULL,
  updated_at text COLLATE "C" NOT NULL,
  record_count integer NOT NULL,
  head_hash text,
  deleted_at text COLLATE "C" NOT NULL,
  deleted_by text NOT NULL
);
CREATE INDEX run_tombstones_deleted ON $S.run_tombstones (deleted_at DESC, created_seq);

CREATE FUNCTION $S.refuse_deleted_run() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  IF EXISTS (SELECT 1 FROM $S.run_tombstones t WHERE t.run_id = NEW.run_id) THEN
    RAISE EXCEPTION 'run % was deleted: it cannot be written again', NEW.run_id USING ERRCODE = 'AR410';
  END IF;
  RETURN NEW;
END $f$;
CREATE TRIGGER runs_not_deleted BEFORE INSERT ON $S.runs FOR EACH ROW EXECUTE FUNCTION $S.refuse_deleted_run();
CREATE TRIGGER heads_not_deleted BEFORE INSERT ON $S.heads FOR EACH ROW EXECUTE FUNCTION $S.refuse_deleted_run();
CREATE TRIGGER run_requests_not_deleted BEFORE INSERT ON $S.run_requests FOR EACH ROW EXECUTE FUNCTION $S.refuse_deleted_run();

CREATE TABLE $S.record_traces (
  run_id text COLLATE "C" NOT NULL,
  seq integer NOT NULL,
  trace_id text NOT NULL,
  span_id text NOT NULL,
  PRIMARY KEY (run_id, seq)
);
`,
};
