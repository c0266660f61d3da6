/**
 * File stores compatible with the Python reference's data folders (`run_<id>.json`,
 * `ledger_<id>.jsonl`, `artifacts/`, `snapshots/`), byte for byte, plus the folder audit.
 */
export { writeFileAtomic, isTempFileName, type AtomicWriteOptions } from './atomic-write';
export { type CorruptFileHandler } from './corrupt-file-log';
export { CorruptLedgerLineError, InvalidFileIdError, ReadOnlyStoreError } from './file-store-errors';
export { validateFileId } from './file-names';
export { type FileStoreOptions } from './store-folder';
export { JsonFileRunStore, decodeRunFile, runFileText, type JsonFileRunStoreOptions } from './json-file-run-store';
export { JsonlLedgerStore, ledgerLineText, type JsonlLedgerStoreOptions, type TornTail } from './jsonl-ledger-store';
export { FileArtifactStore, artifactMetaText, type FileArtifactStoreOptions } from './file-artifact-store';
export { INTEGRITY_TAG, V1ArtifactStore } from './v1-artifact-store';
export { JsonSnapshotStore, snapshotFileText, type JsonSnapshotStoreOptions } from './json-snapshot-store';
export {
  DataFolderNotFoundError,
  openPythonDataFolder,
  type OpenPythonDataFolderOptions,
  type PythonDataFolder,
} from './python-data-folder';
export {
  auditLedger,
  chainTotals,
  verifyDataFolder,
  verifyLedgerFile,
  type LedgerRow,
  type DataFolderVerification,
  type LedgerAnchor,
  type LedgerFileReport,
  type LedgerVerificationError,
  type VerifyDataFolderOptions,
} from './verify-data-folder';
