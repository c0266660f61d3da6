import { type JsonObject } from '../json/json-value';

/**
 * What one process asks of the process that holds a run: answer its wait (an answer, an event, a
 * fast-forward: all resumes) or cancel it. The holder carries it out with its own runtime and
 * workflow code, and the ledger names the asker as the actor.
 */
export type RunRequestBody =
  | { kind: 'resume'; waitKey: string | null; payload: JsonObject }
  | { kind: 'cancel'; reason: string | null };

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

/**
 * The durable queue of requests to run holders, kept in the workspace itself so asker and holder
 * need nothing but the file (or database) they already share. Every transition is conditional
 * on the status before it, so an asker withdrawing and a holder taking the same request never
 * both win.
 */
export interface RunRequestQueue {
  submit(request: NewRunRequest): Promise<number>;
  get(id: number): Promise<RunRequest | null>;
  /** Pending requests for these runs, oldest first. */
  pendingFor(runIds: readonly string[]): Promise<RunRequest[]>;
  /** pending → taken by `handledBy`; false when it was withdrawn (or taken) first. */
  take(id: number, handledBy: string): Promise<boolean>;
  /** taken → done (with the run's status after it) or failed (with the refusal). */
  finish(id: number, outcome: { runStatus: string } | { error: { code: string; message: string } }): Promise<void>;
  /** pending → withdrawn; false when the holder took it first. */
  withdraw(id: number): Promise<boolean>;
  /** Changes exactly when another connection wrote: lets a holder skip the query when nothing arrived. */
  changeCounter(): number;
}
