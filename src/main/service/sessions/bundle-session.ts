import { basename } from 'node:path';
import { InMemoryArtifactStore, InMemorySnapshotStore, isJsonObject, parseIsoTimestamp, type Clock, type RunState, type StepRecord } from '../../../runtime/index';
import { fromBase64, verifyBundle, type ActorKey, type BundleReport } from '../../../runtime/provenance/index';
import { type RunIndexQuery, type RunIndexRow } from '../../../runtime/storage/sqlite/index';
import { type WorkflowInfo, type WorkspaceInfo } from '../../../shared/contract/domain';
import { StudioError } from '../../../shared/contract/errors';
import { bundleChainReport, bundleProblems } from './bundle-report';
import { bundleStepRecords, runFromRecords } from './bundle-run';
import { type ReadSession, type SessionChainReport } from './session';

/**
 * An audit bundle (one run's ledger, checkpoints, keys and artifacts in one file), opened
 * read-only: the run rebuilt from its records, its ledger, its artifacts, and the bundle's own
 * verification as the chain report, so the badges show what the verifier found and where. It is
 * verified once, on opening: the file does not change under an open session.
 */
export class BundleSession implements ReadSession {
  readonly snapshots = new InMemorySnapshotStore();

  private constructor(
    readonly info: WorkspaceInfo,
    readonly artifacts: InMemoryArtifactStore,
    private readonly run: RunState,
    private readonly records: readonly StepRecord[],
    private readonly report: SessionChainReport,
  ) {}

  /** `trustedKeys`: the keys the auditor trusts (the Studio's own workspace keys), or null. */
  static async open(path: string, trustedKeys: readonly ActorKey[] | null): Promise<BundleSession> {
    const report = await verifyBundle(path, { trustedKeys });
    const runId = report.manifest?.runId ?? firstRunId(report);
    if (!runId) throw new StudioError('BAD_REQUEST', `${path} names no run (its manifest and its records cannot be read): it is not a usable audit bundle.`);
    const records = bundleStepRecords(report.contents.records, runId, path);
    const exportedAt = report.manifest?.createdAt ?? '';
    const run = runFromRecords(runId, report.manifest?.workflowId ?? null, records, exportedAt);
    const info: WorkspaceInfo = { id: path, name: basename(path), path, kind: 'bundle', readOnly: true, workflowDirs: [], loadErrors: bundleProblems(report, path) };
    return new BundleSession(info, await artifactsOf(report), run, records, bundleChainReport(report));
  }

  workflows(): WorkflowInfo[] {
    return [];
  }

  private row(): RunIndexRow {
    const r = this.run;
    return {
      runId: r.runId,
      workflowId: r.workflowId,
      status: r.status,
      waitReason: r.waiting?.reason ?? null,
      waitUntil: null,
      parentRunId: null,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      forkedFromRunId: null,
      forkedFromSeq: null,
      forkedFromHeadHash: null,
      childCount: 0,
      ledgerCount: this.records.length,
    };
  }

  async queryRuns(q: RunIndexQuery): Promise<{ items: RunIndexRow[]; total: number }> {
    const r = this.run;
    const text = q.text ?? null;
    const hit =
      (!q.status || r.status === q.status) &&
      (!q.workflowId || r.workflowId === q.workflowId) &&
      (!q.waitReason || r.waiting?.reason === q.waitReason) &&
      !q.parentRunId &&
      (!text || r.runId.includes(text) || r.workflowId.includes(text) || r.currentNode.includes(text));
    const items = hit && (q.offset ?? 0) === 0 ? [this.row()] : [];
    return { items, total: hit ? 1 : 0 };
  }

  async runRow(runId: string): Promise<RunIndexRow | null> {
    return runId === this.run.runId ? this.row() : null;
  }
  async loadRun(runId: string): Promise<RunState | null> {
    return runId === this.run.runId ? structuredClone(this.run) : null;
  }
  async ledgerPage(runId: string, fromSeq: number, limit: number): Promise<Array<{ seq: number; record: StepRecord }>> {
    if (runId !== this.run.runId) return [];
    return this.records.slice(fromSeq, fromSeq + limit).map((record, i) => ({ seq: fromSeq + i, record }));
  }
  async ledgerCount(runId: string): Promise<number> {
    return runId === this.run.runId ? this.records.length : 0;
  }
  async verify(runId: string, onProgress: (done: number, total: number) => void): Promise<SessionChainReport> {
    if (runId !== this.run.runId) throw new StudioError('NOT_FOUND', `This bundle holds run ${this.run.runId}, not ${runId}.`);
    onProgress(this.report.count, this.report.count);
    return this.report;
  }
  /** Only the run's position after its last record is known (rebuilt from the ledger; no vars). */
  async stateAt(runId: string, seq: number): Promise<RunState | null> {
    return seq >= this.records.length - 1 ? this.loadRun(runId) : null;
  }
  async readArtifactChunk(artifactId: string, offset: number, length: number): Promise<Uint8Array | null> {
    const a = await this.artifacts.load(artifactId);
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
    // Everything is in memory: nothing to release.
  }
}

function firstRunId(report: BundleReport): string | null {
  const id = report.contents.records[0]?.['run_id'];
  return typeof id === 'string' && id ? id : null;
}

/** The bundle's artifacts with their content (a hashes-only bundle has none to show), dated as exported. */
async function artifactsOf(report: BundleReport): Promise<InMemoryArtifactStore> {
  let now = 0;
  const clock: Clock = { nowMicros: () => now };
  const store = new InMemoryArtifactStore(clock);
  for (const line of report.contents.artifacts) {
    const a = line.artifact;
    if (!isJsonObject(a) || typeof line.content !== 'string') continue;
    const content = fromBase64(line.content);
    const id = a['artifact_id'];
    if (!content || typeof id !== 'string') continue;
    now = parseIsoTimestamp(typeof a['created_at'] === 'string' ? a['created_at'] : '') ?? 0;
    const t = a['tags'];
    const tags = isJsonObject(t) ? Object.fromEntries(Object.entries(t).map(([k, v]) => [k, String(v)])) : {};
    try {
      await store.store(content, { artifactId: id, contentType: typeof a['content_type'] === 'string' ? a['content_type'] : undefined, runId: typeof a['run_id'] === 'string' ? a['run_id'] : null, tags });
    } catch {
      // An id no store accepts (a tampered entry): the bundle's report names it; there is nothing to show.
    }
  }
  return store;
}
