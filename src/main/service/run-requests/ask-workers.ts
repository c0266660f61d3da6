import { hostname } from 'node:os';
import { askHolder, type RunRequestBody, type RunRequestQueue, type RunState } from '../../../runtime/index';
import { StudioError } from '../../../shared/contract/errors';
import { type AskedOutcome } from '../sessions/session-capabilities';
import { ASK_HOLDER_TIMEOUT_MS } from './act-or-ask';

export interface AskWorkersOptions {
  /** The workspace's request queue, or null when its schema has none (then nothing can be asked). */
  requests: RunRequestQueue | null;
  /** The workspace, as messages name it (never with its password). */
  workspace: string;
  /** Whether any worker that could carry the request out is alive (asked again at every look). */
  workersLive: (runId: string) => Promise<boolean>;
  loadRun: (runId: string) => Promise<RunState | null>;
  timeoutMs?: number;
}

/** Who the Studio is, in the queue: what `result.via.requested_by` will say. */
export const STUDIO_ASKER = `the Studio (process ${process.pid} on ${hostname()})`;

/**
 * Records what a person asked of a run in the workspace's queue and waits for a worker to carry it
 * out. The Studio acts on nothing itself: a refusal comes back as the worker's typed error, no
 * worker alive withdraws the request (NO_WORKER), a worker too slow to take it withdraws it too
 * (RUN_REQUEST_TIMEOUT), so a request is never carried out later behind the person's back.
 */
export async function askWorkers(o: AskWorkersOptions, runId: string, body: RunRequestBody, actorId: string): Promise<AskedOutcome> {
  if (!o.requests) {
    throw new StudioError('REQUESTS_UNSUPPORTED', `${o.workspace} has no run request queue (its schema predates it), so answers, events and cancels cannot be recorded for its workers. Open it with a worker of this version once, which brings the schema up to date.`);
  }
  const outcome = await askHolder({
    requests: o.requests,
    request: { runId, body, actorId, requestedBy: STUDIO_ASKER },
    holderLive: () => o.workersLive(runId),
    holder: `the workers of ${o.workspace}`,
    timeoutMs: o.timeoutMs ?? ASK_HOLDER_TIMEOUT_MS,
    pollMs: 50,
  });
  const r = outcome.request;
  if (outcome.kind === 'holder-gone') {
    throw new StudioError('NO_WORKER', `No worker of ${o.workspace} is running, so nobody can carry out what you asked of run ${runId}; it was withdrawn. Start one (studio worker --workspace <url> --workflows <folder>) and ask again.`, {
      runId,
      requestId: r.id,
    });
  }
  if (r.status === 'failed') {
    const error = r.error ?? { code: 'INTERNAL', message: 'refused without a reason' };
    throw new StudioError(error.code, `${error.message} (answered by ${r.handledBy ?? 'a worker'}).`, { runId, requestId: r.id, handledBy: r.handledBy });
  }
  const run = await o.loadRun(runId);
  if (!run) throw new StudioError('NOT_FOUND', `Run ${runId} is no longer in ${o.workspace}.`, { runId });
  return { run, carriedOutBy: r.handledBy };
}
