import { formatIsoTimestamp, systemClock } from '../../json/timestamp';
import { provenanceMigration } from '../../provenance/sqlite/provenance-schema';
import { SCHEMA_V1 } from './schema-v1';
import { ledgerFieldsAsView } from './schema-v3';
import { statesAsDeltas } from './schema-v4';
import { runRequestsTable } from './schema-v5';
import { recordTracesTable } from './schema-v6';
import { runArchiveAndTombstones } from './schema-v7';
import { stateChunksTable } from './schema-v8';
import { recordWritersTable } from './schema-v9';
import { type SqliteDatabase } from './workspace-db';

/**
 * Numbered schema migrations. Each runs once, in order, inside one transaction with the others
 * that are pending, and is recorded in `schema_migrations`; `PRAGMA user_version` holds the
 * latest applied version so an open can tell "too new" without reading any table. A migration is
 * never edited after it ships: add a new one.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: SqliteDatabase): void;
}

/** `PRAGMA application_id` of a workspace ("ARst"), so a foreign SQLite file is recognised. */
export const WORKSPACE_APPLICATION_ID = 0x41527374;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema: runs, checkpoints, ledger, leases, artifacts, snapshots',
    up: (db) => db.exec(SCHEMA_V1),
  },
  // Actor keys and signed checkpoints of each run's chain head (src/runtime/provenance).
  provenanceMigration(2),
  {
    version: 3,
    name: 'ledger fields as a view (ledger_records), not generated columns: appends stop parsing every record',
    up: ledgerFieldsAsView,
  },
  {
    version: 4,
    name: 'run states as deltas from the state saved before, with a full keyframe now and then',
    up: statesAsDeltas,
  },
  {
    version: 5,
    name: 'run_requests: answers, events and cancels asked of the process that holds a run',
    up: runRequestsTable,
  },
  {
    version: 6,
    name: 'record_traces: the OpenTelemetry trace and span id of each traced ledger record',
    up: recordTracesTable,
  },
  {
    version: 7,
    name: 'archived runs and run_tombstones: a deleted run leaves who, when and its final head hash',
    up: runArchiveAndTombstones,
  },
  {
    version: 8,
    name: 'state_chunks: the large lists of keyframes stored as shared, content-addressed chunks',
    up: stateChunksTable,
  },
  {
    version: 9,
    name: 'record_writers: who wrote the records copied from a PostgreSQL workspace (its ledger.written_by)',
    up: recordWritersTable,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.reduce((v, m) => Math.max(v, m.version), 0);

export interface AppliedMigration {
  version: number;
  name: string;
  appliedAt: string;
}

/**
 * Applies the pending migrations in one IMMEDIATE transaction. The version is read again inside
 * the transaction: two processes opening a new file at once both get here, and the second finds
 * the work done. Returns the versions it applied.
 */
export function migrate(db: SqliteDatabase, migrations: readonly Migration[] = MIGRATIONS): number[] {
  const run = db.transaction((): number[] => {
    const current = db.pragma('user_version', { simple: true }) as number;
    const pending = migrations.filter((m) => m.version > current).sort((a, b) => a.version - b.version);
    if (pending.length === 0) return [];
    db.pragma(`application_id = ${WORKSPACE_APPLICATION_ID}`);
    for (const m of pending) {
      m.up(db);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        m.version,
        m.name,
        formatIsoTimestamp(systemClock.nowMicros()),
      );
      db.pragma(`user_version = ${m.version}`);
    }
    return pending.map((m) => m.version);
  });
  return run.immediate();
}

export function appliedMigrations(db: SqliteDatabase): AppliedMigration[] {
  const rows = db.prepare('SELECT version, name, applied_at FROM schema_migrations ORDER BY version').all() as {
    version: number;
    name: string;
    applied_at: string;
  }[];
  return rows.map((r) => ({ version: r.version, name: r.name, appliedAt: r.applied_at }));
}
