import { type RunRequestQueue } from '../../../runtime/index';
import { type PostgresWorkspace } from '../../../runtime/storage/postgres/index';

/**
 * The run request queue of a PostgreSQL workspace (PG migration 2, `PgRunRequests`), or null for a
 * workspace whose store offers none. Looked up rather than typed while the queue lands in the
 * runtime on its own branch: a workspace without it refuses answers with REQUESTS_UNSUPPORTED.
 */
export function pgRequestQueueOf(ws: PostgresWorkspace): RunRequestQueue | null {
  const requests = (ws as unknown as { requests?: unknown }).requests;
  return isQueue(requests) ? requests : null;
}

/** Whether a worker is alive to carry out a request: until the runtime keeps a worker registry, any may be. */
export function pgWorkersLiveOf(_ws: PostgresWorkspace): (runId: string) => Promise<boolean> {
  return async () => true;
}

function isQueue(v: unknown): v is RunRequestQueue {
  const q = v as Partial<RunRequestQueue> | null | undefined;
  return typeof q?.submit === 'function' && typeof q.get === 'function' && typeof q.withdraw === 'function';
}
