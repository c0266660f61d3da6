/**
 * Runs async work one piece at a time, in call order. A piece that fails rejects its own promise
 * only: the next piece still runs (a poller whose cycle once threw must keep polling).
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const next = this.tail.then(work, work);
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Resolves once everything queued so far has finished (whatever its outcome). */
  async idle(): Promise<void> {
    await this.tail;
  }
}
