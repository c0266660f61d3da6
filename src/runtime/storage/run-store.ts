import { type RunStatus, type WaitReason } from '../core/enums';
import { type RunState, type StepRecord } from '../core/models';

/** Persists run checkpoints. Stores hand out copies: editing a returned state changes nothing stored. */
export interface RunStore {
  save(run: RunState): Promise<void>;
  load(runId: string): Promise<RunState | null>;
}

export interface ListRunsQuery {
  status?: RunStatus | null;
  waitReason?: WaitReason | null;
  workflowId?: string | null;
  limit?: number;
}

/**
 * The query protocol the scheduler needs (`QueryableRunStore` in the reference).
 * - `listRuns`: newest `updatedAt` first; a `waitReason` filter drops runs that are not waiting.
 * - `listDueWaitUntil`: WAITING runs with reason UNTIL and `until <= nowIso` (string compare),
 *   earliest `until` first.
 * - `listChildren`: runs whose `parentRunId` is the given id, unsorted.
 * `limit` (default 100) applies after sorting.
 */
export interface QueryableRunStore extends RunStore {
  listRuns(query?: ListRunsQuery): Promise<RunState[]>;
  listDueWaitUntil(query: { nowIso: string; limit?: number }): Promise<RunState[]>;
  listChildren(query: { parentRunId: string; status?: RunStatus | null }): Promise<RunState[]>;
}

/**
 * Optional fast path for the scheduler's wake timer: the `(runId, until)` of waiting `wait_until`
 * runs, earliest first, read without decoding states (the SQLite store answers from its index).
 */
export interface WaitUntilTimes {
  listWaitUntilTimes(query?: { limit?: number }): Promise<Array<{ runId: string; until: string }>>;
}

export function hasWaitUntilTimes(store: RunStore): store is RunStore & WaitUntilTimes {
  return typeof (store as Partial<WaitUntilTimes>).listWaitUntilTimes === 'function';
}

export function isQueryableRunStore(store: RunStore): store is QueryableRunStore {
  const s = store as Partial<QueryableRunStore>;
  return typeof s.listRuns === 'function' && typeof s.listDueWaitUntil === 'function' && typeof s.listChildren === 'function';
}

/**
 * A run store that can commit a tick's state together with the ledger records it produced, in one
 * transaction (the SQLite workspace). The runtime uses it when it owns the ledger store it was given,
 * so a crash leaves either all of a step or none of it.
 */
export interface AtomicStepStore extends RunStore {
  commitStep(run: RunState | null, records: readonly StepRecord[]): Promise<void>;
  ownsLedger(ledger: unknown): boolean;
}

export function isAtomicStepStore(store: RunStore): store is AtomicStepStore {
  const s = store as Partial<AtomicStepStore>;
  return typeof s.commitStep === 'function' && typeof s.ownsLedger === 'function';
}

/** Held while one process works on a run; released when the tick, resume or cancel is done. */
export interface RunLease {
  release(): Promise<void>;
}

/**
 * A run store shared between processes (the SQLite workspace) leases each run to one process at a
 * time, so two processes never tick the same run at once. `acquireRunLease` throws
 * `RunLockedError` (code RUN_LOCKED, naming the holder) when another live process holds it.
 */
export interface LeasingRunStore extends RunStore {
  acquireRunLease(runId: string): Promise<RunLease>;
}

export function isLeasingRunStore(store: RunStore): store is LeasingRunStore {
  return typeof (store as Partial<LeasingRunStore>).acquireRunLease === 'function';
}
