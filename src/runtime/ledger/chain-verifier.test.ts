import { describe, expect, it } from 'vitest';
import { type StepRecord } from '../core/models';
import { HashChainedLedgerStore } from './hash-chained-ledger-store';
import { verifyLedgerChain } from './chain-verifier';
import { InMemoryLedgerStore } from '../storage/memory/memory-ledger-store';

function rec(i: number): StepRecord {
  return {
    runId: 'r', stepId: `s${i}`, nodeId: 'n', status: 'completed', effect: null, result: { i }, error: null,
    startedAt: '2025-01-01T00:00:00+00:00', endedAt: null, actorId: null, sessionId: null, attempt: 1, idempotencyKey: null,
    prevHash: null, recordHash: null, signature: null,
  };
}

async function chained(n: number): Promise<StepRecord[]> {
  const store = new HashChainedLedgerStore(new InMemoryLedgerStore());
  for (let i = 0; i < n; i++) await store.append(rec(i));
  return store.list('r');
}

describe('hash chain (test_ledger_chain.py)', () => {
  it('verifies a chained ledger', async () => {
    const list = await chained(2);
    expect(verifyLedgerChain(list)).toEqual({ ok: true, chain: 'verified', count: 2, errors: [], firstBadIndex: null, headHash: list[1]!.recordHash, computedHeadHash: list[1]!.recordHash, checkedFrom: 0 });
    expect(verifyLedgerChain([])).toEqual({ ok: true, chain: 'verified', count: 0, errors: [], firstBadIndex: null, headHash: null, computedHeadHash: null, checkedFrom: 0 });
  });

  it('detects a changed result at its index', async () => {
    const list = await chained(3);
    list[1]!.result = { i: 99 };
    const report = verifyLedgerChain(list);
    expect(report.ok).toBe(false);
    expect(report.firstBadIndex).toBe(1);
    expect(report.errors).toEqual([expect.objectContaining({ index: 1, type: 'record_hash_mismatch' })]);
  });

  it('calls a ledger without any hash unchained, not broken (Python 0.4 writes them)', async () => {
    const report = verifyLedgerChain([rec(0), rec(1)]);
    expect(report).toEqual({ ok: true, chain: 'unchained', count: 2, errors: [], firstBadIndex: null, headHash: null, computedHeadHash: null, checkedFrom: 0 });
  });

  it('breaks a chain whose records carry hashes and then stop, at the first record without one', async () => {
    const list = [...(await chained(2)), rec(2), rec(3)];
    const report = verifyLedgerChain(list);
    expect(report).toMatchObject({ ok: false, chain: 'broken', firstBadIndex: 2 });
    expect(report.errors).toContainEqual({ index: 2, type: 'missing_record_hash' });
  });

  it('breaks a ledger whose first records lost their hashes while later ones keep theirs', async () => {
    const list = await chained(3);
    list[0]!.recordHash = null;
    list[1]!.recordHash = null;
    list[1]!.prevHash = null;
    const report = verifyLedgerChain(list);
    expect(report).toMatchObject({ ok: false, chain: 'broken', firstBadIndex: 0 });
  });

  it('names record 0 as the first bad one even when later records are bad too (the reference reported 3)', async () => {
    const list = await chained(5);
    list[0]!.result = { tampered: true };
    list[3]!.result = { tampered: true };
    const report = verifyLedgerChain(list);
    expect(report.firstBadIndex).toBe(0);
    expect(report.errors.map((e) => e.index)).toEqual([0, 3]);
  });

  it('flags the record after a deleted one as a broken link', async () => {
    const list = await chained(4);
    list.splice(1, 1);
    const report = verifyLedgerChain(list);
    expect(report.errors).toEqual([expect.objectContaining({ index: 1, type: 'prev_hash_mismatch' })]);
  });
});
