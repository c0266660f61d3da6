import { basename, join } from 'node:path';
import {
  ChainVerifier,
  decodeStepRecord,
  openPythonDataFolder,
  type ChainReport,
  type PythonDataFolder,
  type RunState,
  type StepRecord,
} from '../../../runtime/index';
import { type RunIndexQuery, type RunIndexRow } from '../../../runtime/storage/sqlite/index';
import { type WorkflowInfo, type WorkspaceInfo } from '../../../shared/contract/domain';
import { type ReadSession } from './session';

/**
 * A Python AbstractRuntime data folder, opened read-only for audit: its runs, ledgers (verified
 * from their lossless form), artifacts and snapshots, with the same views as a workspace. It has
 * no checkpoints, so the state at a step is only known at the end of the run.
 */
export class PythonFolderSession implements ReadSession {
  private constructor(
    private readonly folder: PythonDataFolder,
    readonly info: WorkspaceInfo,
  ) {}

  static async open(dir: string): Promise<PythonFolderSession> {
    const folder = await openPythonDataFolder(dir, { readOnly: true });
    const info: WorkspaceInfo = { id: dir, name: basename(dir), path: dir, kind: 'python-folder', readOnly: true, workflowDirs: [], loadErrors: [] };
    const session = new PythonFolderSession(folder, info);
    for (const path of folder.corruptFiles()) info.loadErrors.push({ file: path, message: 'This file could not be read and was skipped.' });
    return session;
  }

  get artifacts() {
    return this.folder.artifactStore;
  }
  get snapshots() {
    return this.folder.snapshotStore;
  }

  workflows(): WorkflowInfo[] {
    return [];
  }

  private async allRuns(): Promise<RunState[]> {
    return this.folder.runStore.listRuns({ limit: 1_000_000 });
  }

  async queryRuns(q: RunIndexQuery): Promise<{ items: RunIndexRow[]; total: number }> {
    const all = await this.allRuns();
    const text = q.text ?? null;
    let hits = all.filter(
      (r) =>
        (!q.status || r.status === q.status) &&
        (!q.workflowId || r.workflowId === q.workflowId) &&
        (!q.waitReason || r.waiting?.reason === q.waitReason) &&
        (!q.topLevelOnly || !r.parentRunId) &&
        (!q.parentRunId || r.parentRunId === q.parentRunId) &&
        (!text || r.runId.includes(text) || r.workflowId.includes(text) || r.currentNode.includes(text) || (r.error ?? '').includes(text)),
    );
    const sort = q.sort ?? 'updated_desc';
    const key = (r: RunState): string => (sort.startsWith('created') ? r.createdAt : r.updatedAt);
    hits = hits.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    if (sort.endsWith('desc')) hits.reverse();
    const offset = q.offset ?? 0;
    const page = hits.slice(offset, offset + (q.limit ?? 200));
    const items: RunIndexRow[] = [];
    for (const r of page) items.push(await this.rowOf(r, all));
    return { items, total: hits.length };
  }

  private async rowOf(r: RunState, all: RunState[]): Promise<RunIndexRow> {
    return {
      runId: r.runId,
      workflowId: r.workflowId,
      status: r.status,
      waitReason: r.waiting?.reason ?? null,
      waitUntil: r.waiting?.until ?? null,
      parentRunId: r.parentRunId,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      forkedFromRunId: null,
      forkedFromSeq: null,
      forkedFromHeadHash: null,
      childCount: all.filter((c) => c.parentRunId === r.runId).length,
      ledgerCount: await this.ledgerCount(r.runId),
    };
  }

  async runRow(runId: string): Promise<RunIndexRow | null> {
    const run = await this.loadRun(runId);
    return run ? this.rowOf(run, await this.allRuns()) : null;
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

  /** Only the final state is on disk: -1 and intermediate steps are unknown. */
  async stateAt(runId: string, seq: number): Promise<RunState | null> {
    const count = await this.ledgerCount(runId);
    return seq >= count - 1 ? this.loadRun(runId) : null;
  }

  async readArtifactChunk(artifactId: string, offset: number, length: number): Promise<Uint8Array | null> {
    const a = await this.folder.artifactStore.load(artifactId);
    return a ? a.content.subarray(offset, offset + length) : null;
  }

  isPaused(): boolean {
    return false;
  }
  breakpointsOf(): string[] {
    return [];
  }
  async forksOf(): Promise<Array<{ runId: string; seq: number | null; createdAt: string }>> {
    return [];
  }
  async close(): Promise<void> {
    // Read-only files: nothing to flush.
  }
}
