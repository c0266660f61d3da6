/** The PostgreSQL workspace store (node-postgres): one schema per workspace, many workers. */
export { PostgresWorkspace, DEFAULT_PG_SCHEMA, type PostgresWorkspaceOptions } from './postgres-workspace';
export { PgRunStore, pgListRunsSql } from './pg-run-store';
export { PgLedgerStore, PG_MAX_LEDGER_PAGE, type PgLedgerEntry } from './pg-ledger-store';
export { PgArtifactStore, PG_BLOB_CHUNK_BYTES } from './pg-artifact-store';
export { PgSnapshotStore } from './pg-snapshot-store';
export { PgStateHistory } from './pg-state-history';
export { PgChainCheckpointStore, PgKeyRecordStore, PgRecordSignatureSink } from './pg-provenance-stores';
export { PG_LATEST_SCHEMA_VERSION, PG_MIGRATIONS, type PgMigration } from './pg-migrations';
export {
  LeaseLostError,
  PgWorkspaceClosedError,
  PgWorkspaceCorruptError,
  PgWorkspaceInvalidError,
  PgWorkspaceStoreError,
  PgWorkspaceTooNewError,
  redactUrl,
} from './pg-errors';
