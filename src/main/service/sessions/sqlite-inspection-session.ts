import { basename } from 'node:path';
import { type ChainReport, type RunState, type StepRecord } from '../../../runtime/index';
import { SqliteWorkspace, type RunIndexQuery, type RunIndexRow } from '../../../runtime/storage/sqlite/index';
import { type ActorName, type RunVisits, type WorkflowInfo, type WorkspaceInfo } from '../../../shared/contract/domain';
import { IN_PROCESS_VERIFY_LIMIT, verifyInWorker } from '../jobs/job-runner';
import { RunVisitReader } from '../run-visit-reader';
import { type ReadSession, type VerifiedHead } from './session';
import { READ_ONLY_CAPABILITIES, type SessionCapabilities } from './session-capabilities';

/**
 * A SQLite workspace opened for inspection only: the file cannot or must not be written (it is
 * read-only, or damaged), or its workflow code is not trusted. Runs, ledgers, states and
 * artifacts read as usual; no workflow module is loaded, no scheduler runs, nothing is written.
 */
export class SqliteInspectionSession implements ReadSession {
  /** Nothing is written, so nothing is driven or changed; its keys are not offered as trusted either. */
  readonly capabilities: SessionCapabilities = READ_ONLY_CAPABILITIES;
  private readonly visitReader = new RunVisitReader();

  private constructor(
    readonly ws: SqliteWorkspace,
    readonly info: WorkspaceInfo,
  ) {}

  /** `reason`: why it is read-only, in words the header and the READ_ONLY errors show. */
  static open(path: string, reason: string, workflowDirs: string[] = []): SqliteInspectionSession {
    const ws = SqliteWorkspace.open(path, { readonly: true });
    return new SqliteInspectionSession(ws, {
      id: path,
      name: basename(path).replace(/\.studio\.sqlite$|\.sqlite$/, ''),
      path,
      kind: 'sqlite',
      readOnly: true,
      readOnlyReason: reason,
      workflowDirs,
      loadErrors: [],
    });
  }

  get artifacts() {
    return this.ws.artifacts;
  }
  get snapshots() {
    return this.ws.snapshots;
  }
  workflows(): WorkflowInfo[] {
    return [];
  }
  async queryRuns(q: RunIndexQuery): Promise<{ items: RunIndexRow[]; total: number }> {
    return this.ws.runIndex.query(q);
  }
  async runRow(runId: string): Promise<RunIndexRow | null> {
    return this.ws.runIndex.get(runId);
  }
  loadRun(runId: string): Promise<RunState | null> {
    return this.ws.runs.load(runId);
  }
  ledgerPage(runId: string, fromSeq: number, limit: number): Promise<Array<{ seq: number; record: StepRecord }>> {
    return this.ws.ledger.readLedgerPage(runId, { fromSeq, limit });
  }
  ledgerCount(runId: string): Promise<number> {
    return this.ws.ledger.ledgerCount(runId);
  }
  traceLinks(runId: string, fromSeq: number, toSeq: number): Map<number, { traceId: string; spanId: string }> {
    return this.ws.ledger.traceLinks(runId, fromSeq, toSeq);
  }
  async verify(runId: string, onProgress: (done: number, total: number) => void, after?: VerifiedHead): Promise<ChainReport> {
    // A few new records after a verified head are hashed here, on this connection: a worker
    // thread costs more to start than they take to check.
    if (after && (await this.ledgerCount(runId)) - after.seq <= IN_PROCESS_VERIFY_LIMIT) return this.ws.verifyRun(runId, { onProgress, after });
    return verifyInWorker(this.ws.path, runId, onProgress, after);
  }
  stateAt(runId: string, seq: number): Promise<RunState | null> {
    return this.ws.stateAt(runId, seq);
  }
  readArtifactChunk(artifactId: string, offset: number, length: number): Promise<Uint8Array | null> {
    return this.ws.artifacts.readArtifactChunk(artifactId, offset, length);
  }
  isPaused(): boolean {
    return false;
  }
  breakpointsOf(): string[] {
    return [];
  }
  async forksOf(runId: string): Promise<Array<{ runId: string; seq: number | null; createdAt: string }>> {
    const out: Array<{ runId: string; seq: number | null; createdAt: string }> = [];
    for (const id of await this.ws.runs.listForks(runId)) {
      const row = this.ws.runIndex.get(id);
      if (row) out.push({ runId: id, seq: row.forkedFromSeq, createdAt: row.createdAt });
    }
    return out;
  }
  /** As SqliteSession.visitsOf: the path from the per-step saved states. */
  async visitsOf(runId: string): Promise<RunVisits | null> {
    return this.visitReader.read(this.ws, runId, this.externalChangeCounter());
  }
  async actorNames(): Promise<ActorName[]> {
    const records = await this.ws.actorKeys.list();
    return records.flatMap(({ key }) => (key.displayName ? [{ actorId: key.actorId, kind: key.kind, displayName: key.displayName }] : []));
  }
  externalChangeCounter(): number | null {
    return this.ws.closed ? null : this.ws.externalChangeCounter();
  }
  async close(): Promise<void> {
    this.ws.close();
  }
}
