/** Everything the backend pushes to the renderer. */
import {
  type ChainSummary,
  type JobProgress,
  type LedgerEntry,
  type PendingPrompt,
  type RunSummary,
  type SchedulerStatus,
  type WorkflowInfo,
  type WorkspaceInfo,
} from './domain';

export interface EventMap {
  /** A run's state was saved (started, stepped, waiting, completed, …). */
  'run.changed': RunSummary;
  /**
   * Records were appended to a run's ledger: `count` records, seqs `firstSeq` to `lastSeq` (one
   * event per consecutive span), so the run's ledger now reaches at least `lastSeq`. `entries` are their timeline rows, the newest LEDGER_EVENT_ENTRIES at most: a
   * screen that wants older ones asks `ledger.page`.
   */
  'ledger.appended': { runId: string; firstSeq: number; lastSeq: number; count: number; entries: LedgerEntry[] };
  /** A run started waiting for a person or an event. */
  'prompt.pending': PendingPrompt;
  /** A waiting run was answered or stopped waiting. */
  'prompt.answered': { runId: string; waitKey: string | null; actorId: string | null };
  'scheduler.status': SchedulerStatus;
  /** Driving a run threw: the run stands where the error left it (its stop says so too). */
  'run.driveError': { runId: string; message: string; code: string | null };
  'job.progress': JobProgress;
  'job.finished': JobProgress & { result: ChainSummary | null };
  'workspace.changed': WorkspaceInfo | null;
  /**
   * The open source's data changed behind the Studio's back (another connection or process
   * committed to the workspace file): verdicts, panels, inbox and run cards must be re-read.
   */
  'workspace.dataChanged': { sourceId: string };
  /**
   * A workflow module changed on disk and the workspace's workflows were reloaded: the new list,
   * and the workspace with its load errors (a module that failed keeps its previous version).
   */
  'workflows.changed': { sourceId: string; workspace: WorkspaceInfo; workflows: WorkflowInfo[] };
}

export type EventName = keyof EventMap;

/** The most timeline rows one `ledger.appended` carries (a burst of a fast loop announces its newest). */
export const LEDGER_EVENT_ENTRIES = 1000;

export const eventNames: readonly EventName[] = [
  'run.changed',
  'ledger.appended',
  'prompt.pending',
  'prompt.answered',
  'scheduler.status',
  'run.driveError',
  'job.progress',
  'job.finished',
  'workspace.changed',
  'workspace.dataChanged',
  'workflows.changed',
];

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (eventNames as readonly string[]).includes(name);
}
