import { hostname } from 'node:os';
import { type RunRequestBody } from '../../../runtime/index';
import { type PostgresWorkspace } from '../../../runtime/storage/postgres/index';
import { askWorkers } from '../../../runtime/worker/ask-workers';
import { StudioError } from '../../../shared/contract/errors';
import { type AskedOutcome } from '../sessions/session-capabilities';

/** Who the Studio is, in the queue: what `result.via.requested_by` will say. */
export const STUDIO_ASKER = `the Studio (process ${process.pid} on ${hostname()})`;

/**
 * Records what a person asked of a run in the PostgreSQL workspace's request queue and waits for
 * a worker to carry it out (the runtime's askWorkers: the one queue and carry-out path the
 * workers serve). The Studio acts on nothing itself. A refusal comes back as the worker's typed
 * error naming the worker; no live worker taking it in time is RUN_REQUEST_TIMEOUT, the request
 * withdrawn, so it is never carried out later behind the person's back.
 */
export async function askPgWorkers(ws: PostgresWorkspace, runId: string, body: RunRequestBody, actorId: string, timeoutMs?: number): Promise<AskedOutcome> {
  const r = await askWorkers({ workspace: ws, request: { runId, body, actorId, requestedBy: STUDIO_ASKER }, timeoutMs });
  if (r.status === 'failed') {
    const error = r.error ?? { code: 'INTERNAL', message: 'refused without a reason' };
    throw new StudioError(error.code, `${error.message} (answered by ${r.handledBy ?? 'a worker'}).`, { runId, requestId: r.id, handledBy: r.handledBy });
  }
  const run = await ws.runs.load(runId);
  if (!run) throw new StudioError('NOT_FOUND', `Run ${runId} is no longer in ${ws.name}.`, { runId });
  return { run, carriedOutBy: r.handledBy };
}
