import { type PoolClient } from 'pg';
import { PG_COMMIT_STEP_MIGRATION } from './pg-commit-step-migration';
import { PG_PROVENANCE_MIGRATION } from './pg-provenance-migration';
import { PG_REST_LEASE_MIGRATION } from './pg-rest-lease-migration';
import { PG_RUN_ARCHIVE_MIGRATION } from './pg-run-archive-migration';
import { PG_STATE_HISTORY_MIGRATION } from './pg-state-history-migration';

/**
 * Numbered migrations of a PostgreSQL workspace, each applied once, in order, in one transaction
 * with its row in `schema_migrations`, under an advisory lock on the schema so two processes
 * opening a new workspace at once do not race. `$S` is the workspace's (quoted) schema.
 *
 * Text columns that are sorted or compared use COLLATE "C", so the order is JavaScript's string
 * order (the reference's) whatever the database's locale.
 */
export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'runs, chain heads, ledger, artifacts, snapshots, leases',
    sql: `
CREATE TABLE $S.runs (
  run_id text COLLATE "C" PRIMARY KEY,
  created_seq bigserial NOT NULL UNIQUE,
  workflow_id text COLLATE "C" NOT NULL,
  status text COLLATE "C" NOT NULL,
  wait_reason text COLLATE "C",
  wait_until text COLLATE "C",
  parent_run_id text COLLATE "C",
  created_at text COLLATE "C" NOT NULL,
  updated_at text COLLATE "C" NOT NULL,
  state text NOT NULL,
  forked_from_run_id text COLLATE "C",
  forked_from_seq integer,
  forked_from_head_hash text
);
CREATE INDEX runs_updated ON $S.runs (updated_at DESC, created_seq);
CREATE INDEX runs_status_updated ON $S.runs (status, updated_at DESC, created_seq);
CREATE INDEX runs_workflow_updated ON $S.runs (workflow_id, updated_at DESC, created_seq);
CREATE INDEX runs_reason_updated ON $S.runs (wait_reason, updated_at DESC, created_seq) WHERE wait_reason IS NOT NULL;
CREATE INDEX runs_due_until ON $S.runs (wait_until, created_seq) WHERE status = 'waiting' AND wait_reason = 'until' AND wait_until IS NOT NULL;
CREATE INDEX runs_parent ON $S.runs (parent_run_id, created_seq) WHERE parent_run_id IS NOT NULL;
CREATE INDEX runs_runnable ON $S.runs (created_seq) WHERE status = 'running';
CREATE INDEX runs_forked_from ON $S.runs (forked_from_run_id, created_seq) WHERE forked_from_run_id IS NOT NULL;

-- One row per run with records: its chain head. A commit locks it (the row lock serialises the
-- writers of one run), reads the head, appends after it and advances it, all in one transaction.
CREATE TABLE $S.heads (
  run_id text COLLATE "C" PRIMARY KEY,
  seq integer NOT NULL,
  record_hash text
);

CREATE TABLE $S.ledger (
  run_id text COLLATE "C" NOT NULL,
  seq integer NOT NULL,
  canonical text NOT NULL,
  record_hash text NOT NULL,
  signature text,
  key_order text,
  completed_key text,
  written_by text,
  PRIMARY KEY (run_id, seq)
);

CREATE TABLE $S.blobs (
  sha256 text PRIMARY KEY,
  size bigint NOT NULL,
  chunk_size integer NOT NULL
);
CREATE TABLE $S.blob_chunks (
  sha256 text NOT NULL REFERENCES $S.blobs ON DELETE CASCADE,
  idx integer NOT NULL,
  data bytea NOT NULL,
  PRIMARY KEY (sha256, idx)
);
CREATE TABLE $S.artifacts (
  artifact_id text COLLATE "C" PRIMARY KEY,
  ord bigserial NOT NULL,
  sha256 text NOT NULL REFERENCES $S.blobs,
  content_type text NOT NULL,
  size_bytes bigint NOT NULL,
  created_at text COLLATE "C" NOT NULL,
  run_id text COLLATE "C",
  tags text NOT NULL
);
CREATE INDEX artifacts_run ON $S.artifacts (run_id, ord);
CREATE INDEX artifacts_created ON $S.artifacts (created_at DESC, ord);

CREATE TABLE $S.snapshots (
  snapshot_id text COLLATE "C" PRIMARY KEY,
  ord bigserial NOT NULL,
  run_id text COLLATE "C" NOT NULL,
  step_id text,
  name text NOT NULL,
  description text,
  tags text NOT NULL,
  created_at text COLLATE "C" NOT NULL,
  updated_at text COLLATE "C" NOT NULL,
  run_state text NOT NULL
);
CREATE INDEX snapshots_run ON $S.snapshots (run_id, ord);

-- Who may write a run: owner (one open workspace), holder (worker id @ host, for people), and a
-- fencing token that grows by one on every change of owner. A step commits only while its
-- writer's token is the row's and the lease has not expired.
CREATE TABLE $S.leases (
  run_id text COLLATE "C" PRIMARY KEY,
  owner_id text NOT NULL,
  holder text NOT NULL,
  token bigint NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX leases_expiry ON $S.leases (expires_at);
`,
  },
  {
    version: 2,
    name: 'run_requests (answers, events and cancels for the holder of a run), workers (who is alive to serve them)',
    sql: `
-- The queue through which a process that does not hold a run (an attached Studio, an app) asks
-- the one that does (a worker) to answer, resume or cancel it, as in the SQLite workspace
-- (migration 5 there). A row is never deleted: it is the trace of who asked what and which
-- worker carried it out. Pending and taken rows have small indexes of their own, so a holder
-- looking for work reads only them.
CREATE TABLE $S.run_requests (
  id bigserial PRIMARY KEY,
  run_id text COLLATE "C" NOT NULL,
  kind text NOT NULL CHECK (kind IN ('resume', 'cancel')),
  body text NOT NULL,
  actor_id text,
  requested_by text NOT NULL,
  requested_at text COLLATE "C" NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'taken', 'done', 'failed', 'withdrawn')),
  handled_by text,
  handled_at text COLLATE "C",
  run_status text,
  error_code text,
  error_message text
);
CREATE INDEX run_requests_pending ON $S.run_requests (run_id, id) WHERE status = 'pending';
CREATE INDEX run_requests_taken ON $S.run_requests (run_id, id) WHERE status = 'taken';

-- Every worker process while it lives: its stable id (\`id@host\`, what it writes into the
-- ledger's written_by and a request's handled_by), the workflows it can run, and a heartbeat
-- that pushes expires_at forward. A worker past expires_at is dead (or stalled) for everyone.
-- A stopped worker keeps its row (stopped_at), so the timeline can still name it.
CREATE TABLE $S.workers (
  worker_id text COLLATE "C" PRIMARY KEY,
  host text NOT NULL,
  pid integer NOT NULL,
  owner_id text NOT NULL,
  workflow_ids text[] NOT NULL,
  started_at timestamptz NOT NULL,
  heartbeat_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  stopped_at timestamptz
);
`,
  },
  PG_STATE_HISTORY_MIGRATION,
  PG_PROVENANCE_MIGRATION,
  {
    version: 5,
    name: 'run_requests may ask a worker to restore a run to a snapshot',
    sql: `
-- An attached Studio runs no workflow code, so a restore is carried out by the worker that holds
-- (or next claims) the run, like an answer: the request names the snapshot, kept in this schema.
ALTER TABLE $S.run_requests DROP CONSTRAINT IF EXISTS run_requests_kind_check;
ALTER TABLE $S.run_requests ADD CONSTRAINT run_requests_kind_check CHECK (kind IN ('resume', 'cancel', 'restore'));
`,
  },
  PG_COMMIT_STEP_MIGRATION,
  PG_RUN_ARCHIVE_MIGRATION,
  PG_REST_LEASE_MIGRATION,
];

export const PG_LATEST_SCHEMA_VERSION = Math.max(0, ...PG_MIGRATIONS.map((m) => m.version));

/** The versions applied to the schema (none for a new or empty schema). Call inside a transaction holding the schema's advisory lock. */
async function appliedVersions(client: PoolClient, schema: string): Promise<Set<number>> {
  const exists = await client.query<{ ok: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'schema_migrations') AS ok`,
    [schema],
  );
  if (!exists.rows[0]?.ok) return new Set();
  const v = await client.query<{ version: number }>(`SELECT version FROM "${schema}".schema_migrations`);
  return new Set(v.rows.map((r) => r.version));
}

/**
 * Brings the schema up to date; returns its version (the highest applied) before. Throws via
 * `tooNew` for a schema with a version this list does not know.
 *
 * Every migration not yet recorded is applied, in version order, not only those above the
 * highest: migrations written on two branches (2 and 3) may reach a database in either order,
 * so one that has 3 still gets 2 when it arrives. That asks of each migration that it not depend
 * on a higher one. `migrations` is for tests of exactly that.
 */
export async function migrate(client: PoolClient, schema: string, tooNew: (version: number) => Error, migrations: readonly PgMigration[] = PG_MIGRATIONS): Promise<number> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`abstractruntime:${schema}`]);
    const applied = await appliedVersions(client, schema);
    const before = Math.max(0, ...applied);
    const known = new Set(migrations.map((m) => m.version));
    const unknown = [...applied].filter((v) => !known.has(v));
    if (unknown.length > 0) throw tooNew(Math.max(...unknown));
    if (applied.size === 0) {
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      await client.query(
        `CREATE TABLE IF NOT EXISTS "${schema}".schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
      );
    }
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(m.version)) continue;
      await client.query(m.sql.replaceAll('$S', `"${schema}"`));
      await client.query(`INSERT INTO "${schema}".schema_migrations (version, name) VALUES ($1, $2)`, [m.version, m.name]);
    }
    await client.query('COMMIT');
    return before;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
