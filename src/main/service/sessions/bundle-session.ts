import { basename } from 'node:path';
import { cloneRunState, InMemoryArtifactStore, InMemorySnapshotStore, isJsonObject, parseIsoTimestamp, type Clock, type RunState, type StepRecord } from '../../../runtime/index';
import { fromBase64, verifyBundle, type ActorKey, type BundleReport } from '../../../runtime/provenance/index';
import { type WorkspaceInfo } from '../../../shared/contract/domain';
import { StudioError } from '../../../shared/contract/errors';
import { bundleChainReport, bundleProblems } from './bundle-report';
import { bundleStepRecords, runFromRecords } from './bundle-run';
import { ReadOnlySession } from './read-only-session';
import { type SessionChainReport } from './session';

/**
 * An audit bundle (one run's ledger, checkpoints, keys and artifacts in one file), opened
 * read-only: the run rebuilt from its records, its ledger, its artifacts, and the bundle's own
 * verification as the chain report, so the badges show what the verifier found and where. It is
 * verified once, on opening: the file does not change under an open session.
 */
export class BundleSession extends ReadOnlySession {
  readonly snapshots = new InMemorySnapshotStore();

  private constructor(
    readonly info: WorkspaceInfo,
    readonly artifacts: InMemoryArtifactStore,
    private readonly run: RunState,
    private readonly records: readonly StepRecord[],
    private readonly report: SessionChainReport,
  ) {
    super();
  }

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

  protected async allRuns(): Promise<RunState[]> {
    return [cloneRunState(this.run)];
  }

  async loadRun(runId: string): Promise<RunState | null> {
    return runId === this.run.runId ? cloneRunState(this.run) : null;
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
