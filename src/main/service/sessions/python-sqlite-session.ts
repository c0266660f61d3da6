import { basename } from 'node:path';
import { decodeStepRecord, InMemoryArtifactStore, InMemorySnapshotStore, type LedgerVerificationError, type RunState, type StepRecord } from '../../../runtime/index';
import { PythonSqliteStore, verifyPythonSqliteRun, type UnreadableRow } from '../../../runtime/storage/python-sqlite/index';
import { explainChainError } from '../../../shared/chain-errors';
import { type WorkspaceInfo } from '../../../shared/contract/domain';
import { ReadOnlySession } from './read-only-session';
import { type SessionChainReport } from './session';

/**
 * The SQLite store of the Python AbstractRuntime 0.4, opened read-only for audit: its runs and
 * ledgers (verified from the stored `record_json`), with the same views as a data folder. The
 * store keeps no artifacts or snapshots (Python keeps those in an artifact folder of its own),
 * and only the final state of each run. The file is read once into memory when it has no
 * pending WAL, so the Studio never writes into it or leaves -wal/-shm files beside it.
 */
export class PythonSqliteSession extends ReadOnlySession {
  readonly artifacts = new InMemoryArtifactStore();
  readonly snapshots = new InMemorySnapshotStore();

  private constructor(
    private readonly store: PythonSqliteStore,
    readonly info: WorkspaceInfo,
  ) {
    super();
  }

  static open(path: string): PythonSqliteSession {
    const store = new PythonSqliteStore(path);
    const info: WorkspaceInfo = {
      id: path,
      name: basename(path),
      path,
      kind: 'python-sqlite',
      layout: 'Python AbstractRuntime 0.4 SQLite store',
      readOnly: true,
      workflowDirs: [],
      loadErrors: [],
    };
    const unreadable: UnreadableRow[] = [];
    store.listRuns(unreadable);
    for (const u of unreadable) info.loadErrors.push({ file: `${path} (run ${u.runId})`, message: `This run could not be read and was skipped: ${u.reason}` });
    return new PythonSqliteSession(store, info);
  }

  protected async allRuns(): Promise<RunState[]> {
    return this.store.listRuns();
  }

  async loadRun(runId: string): Promise<RunState | null> {
    return this.store.loadRun(runId);
  }

  async ledgerPage(runId: string, fromSeq: number, limit: number): Promise<Array<{ seq: number; record: StepRecord }>> {
    const dicts = this.store.ledgerDicts(runId);
    return dicts.slice(fromSeq, fromSeq + limit).map((d, i) => ({ seq: fromSeq + i, record: decodeStepRecord(d, `${this.info.path} (run ${runId})`) }));
  }

  async ledgerCount(runId: string): Promise<number> {
    return this.store.ledgerCount(runId);
  }

  async verify(runId: string, onProgress: (done: number, total: number) => void): Promise<SessionChainReport> {
    const report = await verifyPythonSqliteRun(this.store, runId);
    onProgress(report.count, report.count);
    return { ...report, errors: report.errors.map(asSessionError) };
  }

  override async close(): Promise<void> {
    this.store.close();
  }
}

/** Chain errors as they are; a row that cannot be read, or of another run, as a located finding in the shared words. */
function asSessionError(e: LedgerVerificationError): SessionChainReport['errors'][number] {
  switch (e.type) {
    case 'unreadable_record':
    case 'run_id_mismatch':
    case 'anchor_mismatch':
      return { index: e.index, type: 'provenance', code: e.type, message: explainChainError(e, e.index) };
    default:
      return e;
  }
}
