import { type StepRecord } from '../core/models';

/** Append-only storage of ledger records, per run, in append order. */
export interface LedgerStore {
  append(record: StepRecord): Promise<void>;
  list(runId: string): Promise<StepRecord[]>;
  /**
   * The most recent record of a run, or null. Optional: stores that can answer without reading the
   * whole ledger implement it (the hash chain needs the head on every append).
   */
  last?(runId: string): Promise<StepRecord | null>;
  /** The most recent `completed` record with this idempotency key. Optional fast path for the runtime. */
  findCompleted?(runId: string, idempotencyKey: string): Promise<StepRecord | null>;
}

export async function lastRecord(store: LedgerStore, runId: string): Promise<StepRecord | null> {
  if (store.last) return store.last(runId);
  const all = await store.list(runId);
  return all.at(-1) ?? null;
}

export async function findCompletedRecord(store: LedgerStore, runId: string, key: string): Promise<StepRecord | null> {
  if (store.findCompleted) return store.findCompleted(runId, key);
  const all = await store.list(runId);
  for (let i = all.length - 1; i >= 0; i--) {
    const r = all[i];
    if (r && r.idempotencyKey === key && r.status === 'completed') return r;
  }
  return null;
}
