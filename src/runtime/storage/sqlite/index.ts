/** The SQLite workspace store (better-sqlite3): one file per workspace. */
export {
  SqliteWorkspace,
  type IntegrityReport,
  type SqliteWorkspaceOptions,
  type StorageSettings,
  type WorkspaceForkOptions,
} from './sqlite-workspace';
export { SqliteRunStore } from './sqlite-run-store';
export { SqliteLedgerStore, MAX_LEDGER_PAGE, type LedgerEntry, type LedgerPageQuery } from './sqlite-ledger-store';
export { SqliteArtifactStore, BLOB_CHUNK_BYTES, MAX_ARTIFACT_CHUNK } from './sqlite-artifact-store';
export { SqliteSnapshotStore } from './sqlite-snapshot-store';
export { type CheckpointCursor, type CheckpointInfo } from './checkpoints';
export { SPILL_BYTES } from './checkpoint-state';
export { type ForkOrigin, type LedgerHead } from './step-writer';
export { type LeaseHolder } from './run-leases';
export { SqliteRunRequests } from './sqlite-run-requests';
export { type VerifyRunOptions } from './verify-run';
export { LATEST_SCHEMA_VERSION, MIGRATIONS, WORKSPACE_APPLICATION_ID, type AppliedMigration, type Migration } from './migrations';
export {
  WorkspaceClosedError,
  WorkspaceCorruptError,
  WorkspaceInvalidError,
  WorkspaceReadOnlyError,
  WorkspaceStoreError,
  WorkspaceTooNewError,
} from './workspace-errors';
export { RunIndex, type RunIndexQuery, type RunIndexRow } from './run-index';
export { RunArchive, RunDeletedError, RunNotDeletableError, type RunTombstone } from './run-archive';
