import { type ArtifactStore, type ChainError, type ChainReport, type RunState, type SnapshotStore, type StepRecord } from '../../../runtime/index';
import { type RunIndexQuery, type RunIndexRow } from '../../../runtime/storage/sqlite/index';
import { type ActorName, type RunVisits, type RunWorkflowVersion, type WorkflowInfo, type WorkspaceInfo } from '../../../shared/contract/domain';
import { type RunStop } from '../../../shared/contract/run-stop';
import { type SessionCapabilities } from './session-capabilities';

/** A problem found by a provenance verification (an audit bundle's), located on a record. */
export interface ProvenanceChainError {
  index: number;
  type: 'provenance';
  /** The verifier's finding code (docs/audit-bundle.md §7), e.g. record_changed, checkpoint_head_mismatch. */
  code: string;
  message: string;
}

/** A record a verification found intact, the newest it walked: where the next one may continue. */
export interface VerifiedHead {
  seq: number;
  hash: string;
}

/**
 * A verification as the Studio shows it: the hash chain's report, or for an audit bundle the
 * bundle's findings in the same shape (so the same badges show them), with the verdict in words.
 */
export interface SessionChainReport extends Omit<ChainReport, 'errors'> {
  errors: Array<ChainError | ProvenanceChainError>;
  /** The first problem in words, when the errors alone do not say it (a bad checkpoint, key or seal). */
  explanation?: string | null;
}

/**
 * What every open workspace offers for reading: a SQLite workspace, or a Python data folder or an
 * audit bundle opened read-only for audit. What it can do beyond reading (control, drive, keys) it
 * says in `capabilities`: the service asks there, never tests the session's class.
 */
export interface ReadSession {
  readonly info: WorkspaceInfo;
  readonly capabilities: SessionCapabilities;
  readonly artifacts: ArtifactStore;
  readonly snapshots: SnapshotStore;
  workflows(): WorkflowInfo[];
  queryRuns(q: RunIndexQuery): Promise<{ items: RunIndexRow[]; total: number }>;
  runRow(runId: string): Promise<RunIndexRow | null>;
  loadRun(runId: string): Promise<RunState | null>;
  ledgerPage(runId: string, fromSeq: number, limit: number): Promise<Array<{ seq: number; record: StepRecord }>>;
  ledgerCount(runId: string): Promise<number>;
  /** OpenTelemetry ids of the traced records `fromSeq`..`toSeq`, by seq (sources that keep none: absent). */
  traceLinks?(runId: string, fromSeq: number, toSeq: number): Map<number, { traceId: string; spanId: string }>;
  /**
   * Verifies the run's chain. With `after` (a head this session verified before, nobody else having
   * written since), a source that can continues from it and reads only the newer records (the
   * report's `checkedFrom` says where it started); any other source, or a head that no longer holds
   * its hash, verifies the whole run.
   */
  verify(runId: string, onProgress: (done: number, total: number) => void, after?: VerifiedHead): Promise<SessionChainReport>;
  /** State after the record at `seq` (-1: before the first record), or null when unknown. */
  stateAt(runId: string, seq: number): Promise<RunState | null>;
  readArtifactChunk(artifactId: string, offset: number, length: number): Promise<Uint8Array | null>;
  isPaused(runId: string): boolean;
  breakpointsOf(runId: string): string[];
  /** Why the run stands still, for a source that drives runs; others show what the state says. */
  stopOf?(run: RunState): RunStop | null;
  forksOf(runId: string): Promise<Array<{ runId: string; seq: number | null; createdAt: string }>>;
  /**
   * A number that changes when someone else (another connection or process) changed the source's
   * data, or null for a source that cannot change under the session (an audit bundle, read once).
   */
  externalChangeCounter(): number | null;
  /** The run's path from its per-step saved states, or null when the source keeps none. */
  visitsOf(runId: string): Promise<RunVisits | null>;
  /** Something the user must know about how the run's ledger was read (a torn last line), or null. */
  ledgerNotice?(runId: string): Promise<string | null>;
  /** The version of its workflow's module the run started with, for sources that record it. */
  workflowVersionOf?(run: RunState): RunWorkflowVersion | null;
  /** The actors whose keys the source holds, by name. */
  actorNames(): Promise<ActorName[]>;
  close(): Promise<void>;
}
