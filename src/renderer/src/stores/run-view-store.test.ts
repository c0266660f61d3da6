import { describe, expect, it } from 'vitest';
import { type LedgerEntry } from '../../../shared/contract';
import { FakeClient, flush } from '../test-support/fake-client';
import { loadedCount } from '../lib/ledger-cache';
import { entry, runDetail } from '../test-support/fixtures';
import { createRunViewStore, selectedEntry, timelineEntryAt, timelineRowCount } from './run-view-store';
import { createUiStore } from './ui-store';

/** A run of `total` records alternating between two nodes, served like the backend pages them. */
function backend(total: number) {
  const all: LedgerEntry[] = Array.from({ length: total }, (_, seq) => entry(seq, { nodeId: seq % 2 ? 'b' : 'a', status: seq % 10 === 0 ? 'failed' : 'completed' }));
  return new FakeClient()
    .on('runs.get', ({ runId }) => runDetail(runId, { ledgerCount: total }))
    .on('ledger.page', (q) => {
      const from = q.fromSeq ?? 0;
      const matches = all.filter((e) => e.seq >= from && (!q.status || e.status === q.status) && (!q.nodeId || e.nodeId === q.nodeId));
      return { runId: q.runId, total, fromSeq: from, entries: matches.slice(0, q.limit ?? 500) };
    });
}

describe('run view store', () => {
  it('opens a 100,000-record run with one page request of the newest records', async () => {
    const client = backend(100_000);
    const store = createRunViewStore(client, createUiStore());
    await store.getState().open('big');
    expect(client.callsOf('ledger.page')).toEqual([{ runId: 'big', fromSeq: 99_000, limit: 1000 }]);
    expect(timelineRowCount(store.getState())).toBe(100_000);
    expect(timelineEntryAt(store.getState(), 0)?.seq).toBe(99_999);
    expect(timelineEntryAt(store.getState(), 5000)).toBeUndefined();
    store.getState().ensureRows(5000, 5040);
    await flush();
    expect(timelineEntryAt(store.getState(), 5000)?.seq).toBe(94_999);
  });

  it('loads a small run newest first, then whole, so the graph counts every visit', async () => {
    const client = backend(4001);
    const store = createRunViewStore(client, createUiStore());
    await store.getState().open('small');
    expect(client.callsOf('ledger.page')).toEqual([
      { runId: 'small', fromSeq: 3500, limit: 1000 },
      { runId: 'small', fromSeq: 0, limit: 3500 },
    ]);
    expect(loadedCount(store.getState().ledger)).toBe(4001);
  });

  it('loads a tiny run in one request', async () => {
    const client = backend(30);
    const store = createRunViewStore(client, createUiStore());
    await store.getState().open('tiny');
    expect(client.callsOf('ledger.page')).toEqual([{ runId: 'tiny', fromSeq: 0, limit: 500 }]);
  });

  it('moves the selection with j/k and follows the head as records arrive', async () => {
    const client = backend(10);
    const store = createRunViewStore(client, createUiStore());
    await store.getState().open('r1');
    store.getState().selectRelative(1);
    expect(store.getState().selectedSeq).toBe(9);
    store.getState().selectRelative(1);
    expect(store.getState().selectedSeq).toBe(8);
    store.getState().selectRelative(-1);
    expect(store.getState().selectedSeq).toBe(9);
    store.getState().applyLedgerAppended('r1', [entry(10), entry(11)]);
    expect(store.getState().selectedSeq).toBe(11);
    expect(selectedEntry(store.getState())?.seq).toBe(11);
    store.getState().applyLedgerAppended('other-run', [entry(12)]);
    expect(store.getState().ledger.total).toBe(12);
  });

  it('filters newest window first and keeps matching live records on top', async () => {
    const client = backend(12_000);
    const store = createRunViewStore(client, createUiStore());
    await store.getState().open('r1');
    store.getState().setFilter({ status: 'failed' });
    await flush(10);
    const f = store.getState().filtered!;
    expect(f.done).toBe(true);
    expect(f.desc).toHaveLength(1200);
    expect(f.desc[0]!.seq).toBe(11_990);
    expect((client.callsOf('ledger.page')[1] as { fromSeq: number }).fromSeq).toBe(7000);
    store.getState().applyLedgerAppended('r1', [entry(12_000, { status: 'failed' }), entry(12_001)]);
    expect(store.getState().filtered!.desc[0]!.seq).toBe(12_000);
    store.getState().setFilter({ status: null });
    expect(store.getState().filtered).toBeNull();
  });

  it('takes the ledger count of a newer detail so the new rows load', async () => {
    const client = backend(5);
    const store = createRunViewStore(client, createUiStore());
    await store.getState().open('r1');
    store.getState().applyDetail(runDetail('r1', { ledgerCount: 7 }));
    expect(store.getState().ledger.total).toBe(7);
    store.getState().applyDetail(runDetail('someone-else', { ledgerCount: 70 }));
    expect(store.getState().ledger.total).toBe(7);
  });
});
