import { cloneStepRecord, type StepRecord } from '../../core/models';
import { type LedgerStore } from '../ledger-store';

/** Records per run, deep-copied at append time (like the reference's `asdict`). */
export class InMemoryLedgerStore implements LedgerStore {
  private readonly byRun = new Map<string, StepRecord[]>();
  private readonly completedByKey = new Map<string, Map<string, StepRecord>>();

  async append(record: StepRecord): Promise<void> {
    const copy = cloneStepRecord(record);
    let list = this.byRun.get(record.runId);
    if (!list) this.byRun.set(record.runId, (list = []));
    list.push(copy);
    if (copy.status === 'completed' && copy.idempotencyKey) {
      let byKey = this.completedByKey.get(copy.runId);
      if (!byKey) this.completedByKey.set(copy.runId, (byKey = new Map()));
      byKey.set(copy.idempotencyKey, copy);
    }
  }

  async list(runId: string): Promise<StepRecord[]> {
    return (this.byRun.get(runId) ?? []).map(cloneStepRecord);
  }

  async last(runId: string): Promise<StepRecord | null> {
    const r = this.byRun.get(runId)?.at(-1);
    return r ? cloneStepRecord(r) : null;
  }

  async findCompleted(runId: string, idempotencyKey: string): Promise<StepRecord | null> {
    const r = this.completedByKey.get(runId)?.get(idempotencyKey);
    return r ? cloneStepRecord(r) : null;
  }

  /** Number of records of a run, without copying them. */
  count(runId: string): number {
    return this.byRun.get(runId)?.length ?? 0;
  }
}
