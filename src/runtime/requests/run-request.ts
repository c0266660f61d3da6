import { type JsonObject } from '../json/json-value';

/**
 * What one process asks of the process that holds a run: answer its wait (an answer, an event, a
 * fast-forward: all resumes), cancel it, or put it back to a snapshot's state (PostgreSQL
 * workspaces only: an attached Studio asks the workers; on SQLite a restore is refused while
 * another process holds the run). The holder carries it out with its own runtime and workflow
 * code, and the ledger names the asker as the actor.
 */
export type RunRequestBody =
  | { kind: 'resume'; waitKey: string | null; payload: JsonObject }
  | { kind: 'cancel'; reason: string | null }
  | { kind: 'restore'; snapshotId: string };

/** pending → taken (the holder is carrying it out) → done | failed; pending → withdrawn (the asker gave up). */
export type RunRequestStatus = 'pending' | 'taken' | 'done' | 'failed' | 'withdrawn';

export interface RunRequest {
  id: number;
  runId: string;
  body: RunRequestBody;
  /** Who asked, as the ledger will name them. */
  actorId: string | null;
  /** The asking process, for people reading the queue ("process 12 on host"). */
  requestedBy: string;
  requestedAt: string;
  status: RunRequestStatus;
  /** The process that carried it out. */
  handledBy: string | null;
  handledAt: string | null;
  /** The run's status once the request was carried out. */
  runStatus: string | null;
  /** Why it was refused (a runtime error code such as RUN_NOT_WAITING, and its message). */
  error: { code: string; message: string } | null;
}

export interface NewRunRequest {
  runId: string;
  body: RunRequestBody;
  actorId: string | null;
  requestedBy: string;
}

/** How a taken request ended: done (with the run's status after it) or failed (with the refusal). */
export type RunRequestOutcome = { runStatus: string } | { error: { code: string; message: string } };

/**
 * The durable queue of requests to run holders, kept in the workspace itself so asker and holder
 * need nothing but the file (or database) they already share. Every transition is conditional
 * on the status before it (and a taken request's on who took it), so an asker withdrawing and a
 * holder taking the same request never both win, and a holder that lost the run cannot finish a
 * request its successor took over.
 */
export interface RunRequestQueue {
  submit(request: NewRunRequest): Promise<number>;
  get(id: number): Promise<RunRequest | null>;
  /** Pending requests for these runs, oldest first. */
  pendingFor(runIds: readonly string[]): Promise<RunRequest[]>;
  /** Taken but unfinished requests for these runs, oldest first: what a holder that lost a run left in hand. */
  takenFor(runIds: readonly string[]): Promise<RunRequest[]>;
  /** pending → taken by `handledBy`; false when it was withdrawn (or taken) first. */
  take(id: number, handledBy: string): Promise<boolean>;
  /** taken by `from` → taken by `to` (the run's new holder finishes what its last holder left); false when it is no longer `from`'s. */
  retake(id: number, from: string, to: string): Promise<boolean>;
  /** taken by `handledBy` → done | failed; false when it is not (or no longer) `handledBy`'s. */
  finish(id: number, handledBy: string, outcome: RunRequestOutcome): Promise<boolean>;
  /** pending → withdrawn; false when the holder took it first. */
  withdraw(id: number): Promise<boolean>;
  /** Changes whenever someone wrote to the queue (on SQLite: whenever another connection wrote): lets a holder skip the query when nothing arrived. */
  changeCounter(): number;
  /**
   * Resolves once `changeCounter()` may differ from `seen`, or after `ms` at most: at once on a
   * store that is told of writes (PostgreSQL's LISTEN/NOTIFY), after `ms` on one that is polled.
   */
  nextChange(seen: number, ms: number): Promise<void>;
}
