import { pauseOf, type ArtifactStore, type RunState, type SnapshotStore, type StepRecord } from '../../../runtime/index';
import { type RunIndexQuery, type RunIndexRow } from '../../../runtime/storage/sqlite/index';
import { type ActorName, type RunVisits, type WorkflowInfo, type WorkspaceInfo } from '../../../shared/contract/domain';
import { type ReadSession, type SessionChainReport } from './session';
import { READ_ONLY_CAPABILITIES, type SessionCapabilities } from './session-capabilities';

/**
 * What the read-only sessions (a Python data folder, an audit bundle) share: they hold a handful
 * of runs in memory, so listing is filter, sort and page over all of them; they keep only the
 * final state of a run; and nothing in them can be paused, stepped or forked.
 */
export abstract class ReadOnlySession implements ReadSession {
  abstract readonly info: WorkspaceInfo;
  readonly capabilities: SessionCapabilities = READ_ONLY_CAPABILITIES;
  /** Runs Python 0.4 paused (`vars._runtime.control`), seen by the last listing: `isPaused` is synchronous. */
  private readonly pausedIds = new Set<string>();
  abstract readonly artifacts: ArtifactStore;
  abstract readonly snapshots: SnapshotStore;
  /** Every run, in no particular order. */
  protected abstract allRuns(): Promise<RunState[]>;
  abstract loadRun(runId: string): Promise<RunState | null>;
  abstract ledgerPage(runId: string, fromSeq: number, limit: number): Promise<Array<{ seq: number; record: StepRecord }>>;
  abstract ledgerCount(runId: string): Promise<number>;
  abstract verify(runId: string, onProgress: (done: number, total: number) => void): Promise<SessionChainReport>;

  workflows(): WorkflowInfo[] {
    return [];
  }

  /** Read into memory on opening: what is shown is what was read. */
  externalChangeCounter(): number | null {
    return null;
  }

  /** Only the final state is kept: the path is read from the ledger. */
  async visitsOf(): Promise<RunVisits | null> {
    return null;
  }

  async actorNames(): Promise<ActorName[]> {
    return [];
  }

  async queryRuns(q: RunIndexQuery): Promise<{ items: RunIndexRow[]; total: number }> {
    const all = await this.allRuns();
    const hits = all.filter((r) => matchesQuery(r, q));
    const sort = q.sort ?? 'updated_desc';
    const key = (r: RunState): string => (sort.startsWith('created') ? r.createdAt : r.updatedAt);
    hits.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    if (sort.endsWith('desc')) hits.reverse();
    const offset = q.offset ?? 0;
    const children = childCounts(all);
    const items: RunIndexRow[] = [];
    for (const r of hits.slice(offset, offset + (q.limit ?? 200))) items.push(await this.rowOf(r, children));
    return { items, total: hits.length };
  }

  async runRow(runId: string): Promise<RunIndexRow | null> {
    const run = await this.loadRun(runId);
    return run ? this.rowOf(run, childCounts(await this.allRuns())) : null;
  }

  /** Only the final state is kept: -1 and intermediate steps are unknown. */
  async stateAt(runId: string, seq: number): Promise<RunState | null> {
    return seq >= (await this.ledgerCount(runId)) - 1 ? this.loadRun(runId) : null;
  }

  async readArtifactChunk(artifactId: string, offset: number, length: number): Promise<Uint8Array | null> {
    const a = await this.artifacts.load(artifactId);
    return a ? a.content.subarray(offset, offset + length) : null;
  }

  /** Read-only: nothing is paused by the Studio, but a run Python paused reads paused. */
  isPaused(runId: string): boolean {
    return this.pausedIds.has(runId);
  }
  breakpointsOf(): string[] {
    return [];
  }
  async forksOf(): Promise<Array<{ runId: string; seq: number | null; createdAt: string }>> {
    return [];
  }
  async close(): Promise<void> {
    // Read-only and nothing buffered: nothing to flush or release.
  }

  private async rowOf(r: RunState, children: ReadonlyMap<string, number>): Promise<RunIndexRow> {
    if (pauseOf(r)) this.pausedIds.add(r.runId);
    else this.pausedIds.delete(r.runId);
    return {
      runId: r.runId,
      workflowId: r.workflowId,
      status: r.status,
      waitReason: r.waiting?.reason ?? null,
      waitUntil: r.waiting?.until ?? null,
      parentRunId: r.parentRunId,
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
      // A Python folder or bundle is opened for audit: nothing in it is archived or deleted.
      archivedAt: null,
      archivedBy: null,
      tombstone: null,
      forkedFromRunId: null,
      forkedFromSeq: null,
      forkedFromHeadHash: null,
      childCount: children.get(r.runId) ?? 0,
      ledgerCount: await this.ledgerCount(r.runId),
    };
  }
}

/** The runs list's filters, as the SQLite index applies them. */
function matchesQuery(r: RunState, q: RunIndexQuery): boolean {
  const text = q.text ?? null;
  return (
    (!q.status || r.status === q.status) &&
    (!q.workflowId || r.workflowId === q.workflowId) &&
    (!q.waitReason || r.waiting?.reason === q.waitReason) &&
    (!q.topLevelOnly || !r.parentRunId) &&
    (!q.parentRunId || r.parentRunId === q.parentRunId) &&
    !q.forkOf && // a Python folder or bundle keeps no fork origins
    (!text || r.runId.includes(text) || r.workflowId.includes(text) || r.currentNode.includes(text) || (r.error ?? '').includes(text))
  );
}

function childCounts(runs: readonly RunState[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of runs) if (r.parentRunId) counts.set(r.parentRunId, (counts.get(r.parentRunId) ?? 0) + 1);
  return counts;
}
