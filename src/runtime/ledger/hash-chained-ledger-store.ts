import { type StepRecord } from '../core/models';
import { findCompletedRecord, lastRecord, type LedgerStore } from '../storage/ledger-store';
import { chainRecord } from './record-hash';

/**
 * Decorator that chains every record to the previous one of its run (`prev_hash`,
 * `record_hash`). The head is cached per run and bootstrapped from the inner store on a miss,
 * which is what makes the chain survive a restart. Appends of one run are serialised so two
 * concurrent appends can never take the same `prev_hash`.
 */
export class HashChainedLedgerStore implements LedgerStore {
  private readonly heads = new Map<string, string | null>();
  private readonly queues = new Map<string, Promise<void>>();

  constructor(readonly inner: LedgerStore) {}

  append(record: StepRecord): Promise<void> {
    // Fast path: nothing queued for this run and the head is known, so append at once.
    const prior = this.queues.get(record.runId);
    if (!prior && this.heads.has(record.runId)) return this.appendKnownHead(record);
    return this.enqueue(record, prior ?? Promise.resolve());
  }

  private async appendKnownHead(record: StepRecord): Promise<void> {
    const prev = this.heads.get(record.runId) ?? null;
    chainRecord(record, prev);
    this.heads.set(record.runId, record.recordHash); // claim the head before awaiting
    try {
      await this.inner.append(record);
    } catch (e) {
      if (this.heads.get(record.runId) === record.recordHash) this.heads.set(record.runId, prev);
      throw e;
    }
  }

  private enqueue(record: StepRecord, prior: Promise<void>): Promise<void> {
    const next = prior.then(() => this.appendNow(record));
    const settled = next.catch(() => undefined);
    this.queues.set(record.runId, settled);
    void settled.then(() => {
      if (this.queues.get(record.runId) === settled) this.queues.delete(record.runId);
    });
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
