import { describe, expect, it } from 'vitest';
import { type StepRecord } from '../core/models';
import { InMemoryLedgerStore } from '../storage/memory/memory-ledger-store';
import { type LedgerStore } from '../storage/ledger-store';
import { verifyLedgerChain } from './chain-verifier';
import { HashChainedLedgerStore } from './hash-chained-ledger-store';

const rec = (i: number): StepRecord => ({
  runId: 'r', stepId: `s${i}`, nodeId: 'n', status: 'completed', effect: null, result: { i }, error: null,
  startedAt: '2025-01-01T00:00:00+00:00', endedAt: null, actorId: null, sessionId: null, attempt: 1, idempotencyKey: null,
  prevHash: null, recordHash: null, signature: null,
});

/** An inner store whose appends take longer the earlier they were called: without queuing they would land reversed. */
class SlowFirstStore implements LedgerStore {
  readonly memory = new InMemoryLedgerStore();
  private calls = 0;
  async append(record: StepRecord): Promise<void> {
    const delay = 30 - 10 * this.calls++;
    await new Promise((r) => setTimeout(r, Math.max(0, delay)));
    await this.memory.append(record);
  }
  list(runId: string): Promise<StepRecord[]> {
    return this.memory.list(runId);
  }
}

describe('HashChainedLedgerStore', () => {
  it('appends concurrent records of one run in call order, each chained to the one before', async () => {
    const inner = new SlowFirstStore();
    const store = new HashChainedLedgerStore(inner);
    await store.append(rec(0));
    await new Promise((r) => setTimeout(r, 0)); // nothing in flight and the head known: the fast path
    await Promise.all([store.append(rec(1)), store.append(rec(2)), store.append(rec(3))]);
    const list = await store.list('r');
    expect(list.map((r) => r.stepId)).toEqual(['s0', 's1', 's2', 's3']);
    expect(verifyLedgerChain(list).ok).toBe(true);
  });

  it('keeps the chain whole when an append fails', async () => {
    const inner = new InMemoryLedgerStore();
    let fail = false;
    const flaky: LedgerStore = { append: (r) => (fail ? Promise.reject(new Error('disk full')) : inner.append(r)), list: (id) => inner.list(id) };
    const store = new HashChainedLedgerStore(flaky);
    await store.append(rec(0));
    fail = true;
    await expect(store.append(rec(1))).rejects.toThrow('disk full');
    fail = false;
    await store.append(rec(2));
    expect(verifyLedgerChain(await store.list('r')).ok).toBe(true);
  });
});
