/**
 * A data folder as the Python reference lays it out (what its AbstractCore factories create):
 *
 *   <dir>/run_<id>.json, <dir>/ledger_<id>.jsonl      runs and ledgers, side by side
 *   <dir>/artifacts/<id>.bin + <id>.meta               artifacts
 *   <dir>/snapshots/snapshot_<id>.json                 snapshots
 *
 * Opened read-only (an audit), nothing on disk is touched and every write throws
 * ReadOnlyStoreError; opened writable, it is a complete set of stores for a Runtime, the ledger
 * hash-chained exactly as Python chains it.
 */
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from '../../errors';
import { type Clock } from '../../json/timestamp';
import { HashChainedLedgerStore } from '../../ledger/hash-chained-ledger-store';
import { type LedgerStore } from '../ledger-store';
import { errorCode } from './atomic-write';
import { type CorruptFileHandler } from './corrupt-file-log';
import { FileArtifactStore } from './file-artifact-store';
import { JsonFileRunStore } from './json-file-run-store';
import { JsonSnapshotStore } from './json-snapshot-store';
import { JsonlLedgerStore } from './jsonl-ledger-store';

export interface OpenPythonDataFolderOptions {
  /** Audit mode: no writes at all; the folder must exist. */
  readOnly?: boolean;
  /** Clock of artifact `createdAt` and snapshot `updatedAt` (default: the system clock). */
  clock?: Clock;
  /** Called for every file a listing skips because it cannot be read. */
  onCorrupt?: CorruptFileHandler;
  /** fsync writes (default true). */
  fsync?: boolean;
}

export interface PythonDataFolder {
  readonly dir: string;
  readonly readOnly: boolean;
  readonly runStore: JsonFileRunStore;
  /**
   * The ledger to give a Runtime: `HashChainedLedgerStore` over `ledgerFiles` when writable; when
   * read-only, `ledgerFiles` itself (its appends throw).
   */
  readonly ledgerStore: LedgerStore;
  /** The JSONL files without the chain decorator: raw dicts (`listDicts`), `runIds`, paths. */
  readonly ledgerFiles: JsonlLedgerStore;
  readonly artifactStore: FileArtifactStore;
  readonly snapshotStore: JsonSnapshotStore;
  /** Files skipped by the last listing of each store, for an audit view. */
  corruptFiles(): string[];
}

export class DataFolderNotFoundError extends InvalidArgumentError {
  constructor(readonly dir: string, reason: string) {
    super(`Cannot open the data folder ${dir}: ${reason}. Check the path, or open it writable to create it.`, { dir });
  }
}

export async function openPythonDataFolder(dir: string, options: OpenPythonDataFolderOptions = {}): Promise<PythonDataFolder> {
  const readOnly = options.readOnly ?? false;
  if (readOnly) await assertFolder(dir);
  else await mkdir(dir, { recursive: true });
  const common = { readOnly, fsync: options.fsync, onCorrupt: options.onCorrupt };
  const runStore = new JsonFileRunStore(dir, common);
  const ledgerFiles = new JsonlLedgerStore(dir, { readOnly, fsync: options.fsync });
  const artifactStore = new FileArtifactStore(dir, { ...common, clock: options.clock });
  const snapshotStore = new JsonSnapshotStore(join(dir, 'snapshots'), { ...common, clock: options.clock });
  return {
    dir,
    readOnly,
    runStore,
    ledgerStore: readOnly ? ledgerFiles : new HashChainedLedgerStore(ledgerFiles),
    ledgerFiles,
    artifactStore,
    snapshotStore,
    corruptFiles: () => [...runStore.corruptFiles(), ...artifactStore.corruptFiles(), ...snapshotStore.corruptFiles()],
  };
}

async function assertFolder(dir: string): Promise<void> {
  try {
    if (!(await stat(dir)).isDirectory()) throw new DataFolderNotFoundError(dir, 'it is not a folder');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') throw new DataFolderNotFoundError(dir, 'it does not exist');
    throw err;
  }
}
