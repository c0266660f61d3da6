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
  type TornTail,
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
  /** Runs whose ledger ended in a torn line when last read. */
  private readonly torn = new Map<string, TornTail>();

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

  /** The complete records; a torn last line (a write cut short) is left out and remembered. */
  private async dicts(runId: string) {
    const { dicts, tornTail } = await this.folder.ledgerFiles.listDictsBeforeTornTail(runId);
    if (tornTail) this.torn.set(runId, tornTail);
    else this.torn.delete(runId);
    return dicts;
  }

  async ledgerNotice(runId: string): Promise<string | null> {
    await this.dicts(runId);
    const t = this.torn.get(runId);
    if (!t) return null;
    return (
      `Line ${t.line} of ${basename(t.path)} is torn: the file ends inside it (a write cut short, e.g. by a crash). ` +
      `It is not shown; the ${plural(await this.ledgerCount(runId), 'complete record')} before it are, and verify on their own. ` +
      '`studio verify` reports the file as damaged. Nothing was written to it.'
    );
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

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? '' : 's'}`;
