import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  ChainVerifier,
  decodeStepRecord,
  openPythonDataFolder,
  V1ArtifactStore,
  type ArtifactStore,
  type ChainReport,
  type PythonDataFolder,
  type RunState,
  type StepRecord,
} from '../../../runtime/index';
import { type WorkspaceInfo } from '../../../shared/contract/domain';
import { ReadOnlySession } from './read-only-session';

/**
 * A Python AbstractRuntime data folder, opened read-only for audit: its runs, ledgers (verified
 * from their lossless form), artifacts and snapshots, with the same views as a workspace. It has
 * no checkpoints, so the state at a step is only known at the end of the run.
 */
export class PythonFolderSession extends ReadOnlySession {
  /** 0.4's v1 layout (refs + blobs by sha256) with the 0.2 layout beside it; 0.2 alone otherwise. */
  readonly artifacts: ArtifactStore;

  private constructor(
    private readonly folder: PythonDataFolder,
    readonly info: WorkspaceInfo,
  ) {
    super();
    this.artifacts = hasV1Artifacts(folder.dir) ? new V1ArtifactStore(folder.dir, folder.artifactStore) : folder.artifactStore;
  }

  static async open(dir: string): Promise<PythonFolderSession> {
    const folder = await openPythonDataFolder(dir, { readOnly: true });
    const info: WorkspaceInfo = { id: dir, name: basename(dir), path: dir, kind: 'python-folder', layout: layoutOf(dir), readOnly: true, workflowDirs: [], loadErrors: [] };
    const session = new PythonFolderSession(folder, info);
    for (const path of folder.corruptFiles()) info.loadErrors.push({ file: path, message: 'This file could not be read and was skipped.' });
    return session;
  }

  get snapshots() {
    return this.folder.snapshotStore;
  }

  protected allRuns(): Promise<RunState[]> {
    return this.folder.runStore.listRuns({ limit: 1_000_000 });
  }

  loadRun(runId: string): Promise<RunState | null> {
    return this.folder.runStore.load(runId);
  }

  private async dicts(runId: string) {
    return this.folder.ledgerFiles.listDicts(runId);
  }

  async ledgerPage(runId: string, fromSeq: number, limit: number): Promise<Array<{ seq: number; record: StepRecord }>> {
    const dicts = await this.dicts(runId);
    const path = join(this.info.path, `ledger_${runId}.jsonl`);
    return dicts.slice(fromSeq, fromSeq + limit).map((d, i) => ({ seq: fromSeq + i, record: decodeStepRecord(d, path) }));
  }

  async ledgerCount(runId: string): Promise<number> {
    return (await this.dicts(runId)).length;
  }

  async verify(runId: string, onProgress: (done: number, total: number) => void): Promise<ChainReport> {
    const dicts = await this.dicts(runId);
    const v = new ChainVerifier();
    dicts.forEach((d, i) => {
      v.push(d);
      if (i % 1000 === 999) onProgress(i + 1, dicts.length);
    });
    onProgress(dicts.length, dicts.length);
    const last = dicts.at(-1);
    return v.report(typeof last?.['record_hash'] === 'string' ? last['record_hash'] : null);
  }
}

/** 0.4 is told by its v1 artifact layout (blobs by sha256, refs, a catalog); 0.2 and 0.4 share the rest. */
const hasV1Artifacts = (dir: string): boolean => ['blobs', 'refs', 'artifact_catalog.sqlite3'].some((name) => existsSync(join(dir, 'artifacts', name)));

function layoutOf(dir: string): string {
  return hasV1Artifacts(dir) ? 'Python AbstractRuntime 0.4 data folder' : 'Python AbstractRuntime data folder (0.2 layout)';
}
