import { type ArtifactStore, type ChainReport, type RunState, type SnapshotStore, type StepRecord } from '../../../runtime/index';
import { type RunIndexQuery, type RunIndexRow } from '../../../runtime/storage/sqlite/index';
import { type WorkflowInfo, type WorkspaceInfo } from '../../../shared/contract/domain';

/**
 * What every open workspace offers for reading: a SQLite workspace, or a Python data folder
 * opened read-only for audit. Control (start, step, answer, restore, fork) is only on
 * `SqliteSession`.
 */
export interface ReadSession {
  readonly info: WorkspaceInfo;
  readonly artifacts: ArtifactStore;
  readonly snapshots: SnapshotStore;
  workflows(): WorkflowInfo[];
  queryRuns(q: RunIndexQuery): Promise<{ items: RunIndexRow[]; total: number }>;
  runRow(runId: string): Promise<RunIndexRow | null>;
  loadRun(runId: string): Promise<RunState | null>;
  ledgerPage(runId: string, fromSeq: number, limit: number): Promise<Array<{ seq: number; record: StepRecord }>>;
  ledgerCount(runId: string): Promise<number>;
  verify(runId: string, onProgress: (done: number, total: number) => void): Promise<ChainReport>;
  /** State after the record at `seq` (-1: before the first record), or null when unknown. */
  stateAt(runId: string, seq: number): Promise<RunState | null>;
  readArtifactChunk(artifactId: string, offset: number, length: number): Promise<Uint8Array | null>;
  isPaused(runId: string): boolean;
  breakpointsOf(runId: string): string[];
  forksOf(runId: string): Promise<Array<{ runId: string; seq: number | null; createdAt: string }>>;
  close(): Promise<void>;
}
