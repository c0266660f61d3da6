/**
 * Serialises work on one run inside a process: two ticks (or a tick and a resume) of the same
 * run never interleave, whichever Runtime instance issues them, as long as they share the store.
 * (The reference has no locking; its scheduler thread can tick a run concurrently with the API.)
 */
const chains = new WeakMap<object, Map<string, Promise<unknown>>>();

export async function withRunLock<T>(scope: object, runId: string, work: () => Promise<T>): Promise<T> {
  let byRun = chains.get(scope);
  if (!byRun) chains.set(scope, (byRun = new Map()));
  const prior = byRun.get(runId) ?? Promise.resolve();
  const current = prior.then(work, work);
  const settled = current.then(
    () => undefined,
    () => undefined,
  );
  byRun.set(runId, settled);
  try {
    return await current;
  } finally {
    if (byRun.get(runId) === settled) byRun.delete(runId);
  }
}
