/**
 * Runs tasks one at a time per key (a run id), in call order; different keys run concurrently.
 * Used so appends to one ledger file never interleave and a read after an append sees it.
 */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const prior = this.tails.get(key) ?? Promise.resolve();
    const result = prior.then(task);
    const settled = result.then(
      () => undefined,
      () => undefined, // a failed task must not block the ones queued after it
    );
    this.tails.set(key, settled);
    void settled.then(() => {
      if (this.tails.get(key) === settled) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with queued or running tasks (for tests and diagnostics). */
  get pending(): number {
    return this.tails.size;
  }
}
