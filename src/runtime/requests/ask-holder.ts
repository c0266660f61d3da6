import { RunRequestTimeoutError, RuntimeError } from '../errors';
import { type NewRunRequest, type RunRequest, type RunRequestQueue } from './run-request';

export interface AskHolderOptions {
  requests: RunRequestQueue;
  request: NewRunRequest;
  /** Whether the process holding the run is still alive (asked again at every look). */
  holderLive: () => boolean | Promise<boolean>;
  /** Named in the timeout error. */
  holder: string;
  /** How long to wait for the holder (default 30 s). */
  timeoutMs?: number;
  /** How often the request's row is read (default 25 ms): one row by its key. */
  pollMs?: number;
}

/**
 * What became of a request: the holder carried it out (`done`) or refused it with a typed error
 * (`failed`); or the holder died before taking it (`holder-gone`: the request was withdrawn, and
 * the caller may take the run over and act itself).
 */
export type AskHolderOutcome = { kind: 'answered'; request: RunRequest } | { kind: 'holder-gone'; request: RunRequest };

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Asks the process holding a run to do something, through the workspace's request queue, and
 * waits for its answer. Throws RUN_REQUEST_TIMEOUT (having withdrawn the request, so it can never
 * be carried out later behind the caller's back) when a live holder does not take it in time.
 */
export async function askHolder(options: AskHolderOptions): Promise<AskHolderOutcome> {
  const { requests } = options;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const id = await requests.submit(options.request);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await requests.get(id);
    if (!r) throw new RuntimeError('STORE_ERROR', `Run request ${id} is no longer in the workspace's queue (rows are never deleted): the file was changed by hand or replaced.`, { requestId: id });
    if (r.status === 'done' || r.status === 'failed') return { kind: 'answered', request: r };
    const live = await options.holderLive();
    // A holder that took the request and then died may or may not have applied it: the run's
    // state says which, so the caller acts on what it finds, as with any takeover.
    if (!live && (r.status === 'taken' || (await requests.withdraw(id)))) return { kind: 'holder-gone', request: (await requests.get(id)) ?? r };
    if (live && r.status === 'pending' && Date.now() > deadline && (await requests.withdraw(id))) {
      throw new RunRequestTimeoutError(options.request.runId, options.holder, timeoutMs);
    }
    await sleep(options.pollMs ?? 25);
  }
}
