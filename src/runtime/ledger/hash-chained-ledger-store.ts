import { type StepRecord } from '../core/models';
import { findCompletedRecord, lastRecord, type LedgerStore } from '../storage/ledger-store';
import { chainRecord } from './record-hash';

/**
 * Decorator that chains every record to the previous one of its run (`prev_hash`,
 * `record_hash`). The head is cached per run and bootstrapped from the inner store on a miss,
 * which is what makes the chain survive a restart. Appends of one run are serialised so two
 * concurrent appends can never take the same `prev_hash`.
 */
/** The last append of a run: later appends wait for `settled` while it is not `done`. */
interface InFlight {
  done: boolean;
  settled: Promise<void>;
}

export class HashChainedLedgerStore implements LedgerStore {
  private readonly heads = new Map<string, string | null>();
  private readonly queues = new Map<string, InFlight>();

  constructor(readonly inner: LedgerStore) {}

  append(record: StepRecord): Promise<void> {
    // Nothing in flight for this run: start at once (the common case); otherwise wait for the
    // appends before it. Either way later appends queue behind this one.
    const prior = this.queues.get(record.runId);
    const next = prior && !prior.done ? prior.settled.then(() => this.appendNow(record)) : this.appendNow(record);
    const entry: InFlight = { done: false, settled: Promise.resolve() };
    entry.settled = next.then(
      () => void (entry.done = true),
      () => void (entry.done = true),
    );
    this.queues.set(record.runId, entry);
    return next;
  }

  private async appendNow(record: StepRecord): Promise<void> {
    let prev = this.heads.get(record.runId);
    if (prev === undefined) prev = (await lastRecord(this.inner, record.runId))?.recordHash ?? null;
    chainRecord(record, prev);
    await this.inner.append(record);
    this.heads.set(record.runId, record.recordHash);
  }

  list(runId: string): Promise<StepRecord[]> {
    return this.inner.list(runId);
  }

  last(runId: string): Promise<StepRecord | null> {
    return lastRecord(this.inner, runId);
  }

  findCompleted(runId: string, key: string): Promise<StepRecord | null> {
    return findCompletedRecord(this.inner, runId, key);
  }

  /** Forget cached heads (after the inner store was changed behind our back, e.g. a restore). */
  resetHeads(): void {
    this.heads.clear();
  }
}
