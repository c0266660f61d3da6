import { RunRequestTimeoutError, RuntimeError } from '../errors';
import { type NewRunRequest, type RunRequest, type RunRequestQueue } from './run-request';

export interface AskHolderOptions {
  requests: RunRequestQueue;
  request: NewRunRequest;
  /** Whether the process holding the run (or, once taken, the one that took it) is still alive; asked again at every look. */
  holderLive: (request: RunRequest) => boolean | Promise<boolean>;
  /** Named in the timeout error. */
  holder: string;
  /**
   * What a holder that is gone means. `take-over` (default: one app holds the run): the request is
   * withdrawn and the caller takes the run over. `wait` (a pool of PostgreSQL workers): another
   * holder will come, so the caller waits for it until the timeout.
   */
  whenGone?: 'take-over' | 'wait';
  /** How long to wait for the holder (default 30 s). */
  timeoutMs?: number;
  /** The longest pause between two looks at the request's row (default 25 ms): a queue that is told of writes looks at once. */
  pollMs?: number;
  /** The error thrown on timeout (default RUN_REQUEST_TIMEOUT naming `holder`); `withdrawn` says whether it can still be carried out. */
  timeoutError?: (request: RunRequest, withdrawn: boolean) => Error | Promise<Error>;
}

/**
 * What became of a request: the holder carried it out (`done`) or refused it with a typed error
 * (`failed`); or the holder died before taking it (`holder-gone`: the request was withdrawn, and
 * the caller may take the run over and act itself).
 */
export type AskHolderOutcome = { kind: 'answered'; request: RunRequest } | { kind: 'holder-gone'; request: RunRequest };

/**
 * Asks the process holding a run to do something, through the workspace's request queue, and
 * waits for its answer. Throws RUN_REQUEST_TIMEOUT (having withdrawn the request, so it can never
 * be carried out later behind the caller's back) when no holder takes it in time.
 */
export async function askHolder(options: AskHolderOptions): Promise<AskHolderOutcome> {
  const { requests } = options;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const wait = options.whenGone === 'wait';
  const timeoutError = options.timeoutError ?? ((): Error => new RunRequestTimeoutError(options.request.runId, options.holder, timeoutMs));
  const id = await requests.submit(options.request);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Read before the row, so a write between the two wakes the next wait at once.
    const seen = requests.changeCounter();
    const r = await requests.get(id);
    if (!r) throw new RuntimeError('STORE_ERROR', `Run request ${id} is no longer in the workspace's queue (rows are never deleted): the workspace was changed by hand or replaced.`, { requestId: id });
    if (r.status === 'done' || r.status === 'failed') return { kind: 'answered', request: r };
    const late = Date.now() > deadline;
    // Waiting for the next holder, liveness matters only to a request taken and overdue.
    const live = !wait || (r.status === 'taken' && late) ? await options.holderLive(r) : true;
    // A holder that took the request and then died may or may not have applied it: the run's
    // state says which, so a caller taking over acts on what it finds; a caller that waits for
    // the next holder lets that holder finish the request (RequestCarrier.recover).
    if (!live && !wait && (r.status === 'taken' || (await requests.withdraw(id)))) return { kind: 'holder-gone', request: (await requests.get(id)) ?? r };
    if (r.status === 'pending' && late && (await requests.withdraw(id))) throw await timeoutError(r, true);
    if (r.status === 'taken' && late && !live && wait) throw await timeoutError(r, false);
    await requests.nextChange(seen, options.pollMs ?? 25);
  }
}
