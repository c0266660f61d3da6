import { RunRequestTimeoutError, UnknownRunError } from '../errors';
import { askHolder } from '../requests/ask-holder';
import { type NewRunRequest, type RunRequest } from '../requests/run-request';
import { type PostgresWorkspace } from '../storage/postgres/postgres-workspace';

export interface AskWorkersOptions {
  workspace: PostgresWorkspace;
  request: NewRunRequest;
  /** How long a worker has to take the request (default 15 s); a request still pending then is withdrawn. */
  timeoutMs?: number;
  /** The fallback poll while no notification comes (default 500 ms; answers are heard at once through NOTIFY). */
  pollMs?: number;
}

/** The default wait for a worker, as the Studio waits for an app that holds a run on SQLite. */
export const ASK_WORKERS_TIMEOUT_MS = 15_000;

/**
 * Asks the workers of a PostgreSQL workspace to answer, resume or cancel a run, and waits for the
 * answer: the same queue and the same carry-out as an app's RunOwner on SQLite, where the holder
 * is whichever live worker holds or claims the run. Resolves with the finished request: `done`
 * (with the run's status after it) or `failed` (the worker's typed refusal, such as
 * RUN_NOT_WAITING when another answer won). Throws UNKNOWN_RUN before asking anything for a run
 * that does not exist, and RUN_REQUEST_TIMEOUT when no live worker took the request in time
 * (withdrawn: it is never carried out later) or the worker that took it stopped before
 * finishing it (the worker that takes the run over finishes it).
 */
export async function askWorkers(options: AskWorkersOptions): Promise<RunRequest> {
  const { workspace: ws, request } = options;
  const run = await ws.runs.load(request.runId);
  if (!run) throw new UnknownRunError(request.runId);
  const timeoutMs = options.timeoutMs ?? ASK_WORKERS_TIMEOUT_MS;
  const outcome = await askHolder({
    requests: ws.requests,
    request,
    whenGone: 'wait',
    timeoutMs,
    pollMs: options.pollMs ?? 500,
    holder: `the workers of ${ws.name}`,
    // Asked only of a request taken and overdue: is the worker that took it still alive?
    holderLive: async (r) => (r.handledBy ? ((await ws.workers.get(r.handledBy))?.live ?? false) : false),
    timeoutError: (r, withdrawn) => timeoutError(ws, run.workflowId, r, withdrawn, timeoutMs),
  });
  return outcome.request;
}

/** The timeout in words: which workers could have served the run, and what becomes of the request. */
async function timeoutError(ws: PostgresWorkspace, workflowId: string, r: RunRequest, withdrawn: boolean, timeoutMs: number): Promise<RunRequestTimeoutError> {
  const details = { requestId: r.id, withdrawn };
  if (!withdrawn) {
    const message = `Worker ${r.handledBy} took the request to run ${r.runId} and stopped before finishing it; the worker that takes the run over next finishes it (the ledger says whether it was applied). Is a worker for workflow '${workflowId}' running?`;
    return new RunRequestTimeoutError(r.runId, r.handledBy ?? 'a worker', timeoutMs, message, { ...details, liveWorkers: [] });
  }
  const live = (await ws.workers.live(workflowId)).map((w) => w.workerId);
  const holder = await ws.leaseHolder(r.runId);
  const who =
    live.length === 0
      ? `No live worker serves workflow '${workflowId}' in ${ws.name}`
      : `The live workers serving workflow '${workflowId}' (${live.join(', ')}) did not take it${holder?.live ? ` (${holder.holder} holds the run)` : ''}`;
  const message = `${who}: the request to run ${r.runId} was not carried out within ${timeoutMs} ms and was withdrawn, so it never will be. Start a worker (studio worker --workspace … --workflows …) and try again.`;
  return new RunRequestTimeoutError(r.runId, live.join(', ') || 'no live worker', timeoutMs, message, { ...details, liveWorkers: live });
}
