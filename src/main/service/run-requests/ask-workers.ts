import { type RunRequestBody } from '../../../runtime/index';
import { askWorkers, type PostgresWorkspace } from '../../../runtime/storage/postgres/index';
import { StudioError } from '../../../shared/contract/errors';
import { type AskedOutcome } from '../sessions/session-capabilities';
import { refusalError, studioRequester } from './act-or-ask';

/**
 * Records what a person asked of a run in the PostgreSQL workspace's request queue and waits for
 * a worker to carry it out (the runtime's askWorkers: the one queue and carry-out path the
 * workers serve). The Studio acts on nothing itself. A refusal comes back as the worker's typed
 * error naming the worker; no live worker taking it in time is RUN_REQUEST_TIMEOUT, the request
 * withdrawn, so it is never carried out later behind the person's back.
 */
export async function askPgWorkers(ws: PostgresWorkspace, runId: string, body: RunRequestBody, actorId: string, timeoutMs?: number): Promise<AskedOutcome> {
  const r = await askWorkers({ workspace: ws, request: { runId, body, actorId, requestedBy: studioRequester() }, timeoutMs });
  if (r.status === 'failed') throw refusalError(r, `the workers of ${ws.name}`);
  const run = await ws.runs.load(runId);
  if (!run) throw new StudioError('NOT_FOUND', `Run ${runId} is no longer in ${ws.name}.`, { runId });
  return { run, carriedOutBy: r.handledBy };
}
