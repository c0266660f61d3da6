/** The PostgreSQL workspace store (node-postgres): one schema per workspace, many workers. */
export { PostgresWorkspace, DEFAULT_PG_SCHEMA, PG_SCHEMA_NAME, type PostgresWorkspaceOptions } from './postgres-workspace';
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
export { PgRunRequests } from './pg-run-requests';
export { PgWorkers, WorkerIdInUseError, type WorkerInfo, type WorkerRegistration } from './pg-workers';
export { changeChannel, type RequestChange, type RunChange } from './pg-notifications';
/** Workers over a PostgreSQL workspace, and the asking side of its request queue. */
export { PostgresWorker, type PostgresWorkerOptions, type WorkerStats } from '../../worker/postgres-worker';
export { askWorkers, ASK_WORKERS_TIMEOUT_MS, type AskWorkersOptions } from '../../worker/ask-workers';
export { PgRunIndex, type PgRunStamp } from './pg-run-index';
export { verifyPgRun, type PgVerifyOptions } from './pg-verify-run';
export { probePgSchema, type PgSchemaProbe } from './pg-probe';
