import { type ChainReport, type RunState, type StepRecord } from '../../../runtime/index';
import { type RunIndexQuery, type RunIndexRow, type SqliteWorkspace } from '../../../runtime/storage/sqlite/index';
import { type ActorName, type RunVisits } from '../../../shared/contract/domain';
import { IN_PROCESS_VERIFY_LIMIT, verifyInWorker } from '../jobs/job-runner';
import { RunVisitReader } from '../run-visit-reader';
import { type VerifiedHead } from './session';

/**
 * What every session over a SQLite workspace reads the same way, whether it drives the runs
 * (`SqliteSession`) or only inspects them (`SqliteInspectionSession`): the run index, states,
 * ledger pages, verification, artifacts, forks, visits and actor names. One copy, so the two
 * cannot drift apart in what they show of the same file.
 */
export abstract class SqliteWorkspaceReads {
  /** Counts of each run's path, carried on as it grows. */
  private readonly visitReader = new RunVisitReader();

  protected constructor(readonly ws: SqliteWorkspace) {}

  get artifacts() {
    return this.ws.artifacts;
  }
  get snapshots() {
    return this.ws.snapshots;
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
  async forksOf(runId: string): Promise<Array<{ runId: string; seq: number | null; createdAt: string }>> {
    const out: Array<{ runId: string; seq: number | null; createdAt: string }> = [];
    for (const id of await this.ws.runs.listForks(runId)) {
      const row = this.ws.runIndex.get(id);
      if (row) out.push({ runId: id, seq: row.forkedFromSeq, createdAt: row.createdAt });
    }
    return out;
  }
  /** The path each run took, from its per-step saved states. */
  async visitsOf(runId: string): Promise<RunVisits | null> {
    return this.visitReader.read(this.ws, runId, this.externalChangeCounter());
  }
  async actorNames(): Promise<ActorName[]> {
    const records = await this.ws.actorKeys.list();
    return records.flatMap(({ key }) => (key.displayName ? [{ actorId: key.actorId, kind: key.kind, displayName: key.displayName }] : []));
  }
  /** Null once closed: a change count of a closed file would read as "nothing changed". */
  externalChangeCounter(): number | null {
    return this.ws.closed ? null : this.ws.externalChangeCounter();
  }
}
