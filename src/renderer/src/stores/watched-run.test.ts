/**
 * A run driven fast with its page open (issue 12 item 6): the screen's work must not grow with
 * the events. Its detail is read again at most once a second while it moves and once when it
 * stops, its chain verified at most once a second while it moves and once when it stops, and
 * the last state is what shows. Counted on fake timers (no timing is asserted).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeClient } from '../test-support/fake-client';
import { chainSummary, entry, runDetail, runSummary } from '../test-support/fixtures';
import { currentSummary } from './chain-store';
import { createStudioStores } from './studio-stores';
import { wireStores } from './wire-stores';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Lets promises settle between fake-timer steps. */
async function settle(ms = 0): Promise<void> {
  await vi.advanceTimersByTimeAsync(ms);
}

describe('a run watched while it is driven fast', () => {
  it('reads its detail and verifies its chain a bounded number of times, and shows the last state', async () => {
    let count = 3;
    let status: 'running' | 'completed' = 'running';
    let jobs = 0;
    const client = new FakeClient()
      .on('runs.query', () => ({ items: [runSummary('r1')], total: 1, offset: 0 }))
      .on('runs.get', ({ runId }) => runDetail(runId, { ledgerCount: count, status }))
      .on('runs.visits', () => null)
      .on('ledger.page', ({ runId }) => ({ runId, total: 3, fromSeq: 0, entries: [entry(0), entry(1), entry(2)] }))
      .on('ledger.verify', () => {
        // The backend's job verifies the records there are when it runs, and finishes soon after.
        const jobId = `j${++jobs}`;
        const n = count;
        setTimeout(() => client.emit('job.finished', { jobId, kind: 'verify', done: n, total: n, finished: true, error: null, result: chainSummary({ runId: 'r1', count: n, verifiedCount: n }) }), 5);
        return { jobId };
      })
      .on('prompts.list', () => [])
      .on('snapshots.list', () => [])
      .on('artifacts.list', () => []);
    const s = createStudioStores(client);
    const off = wireStores(s);
    s.chain.getState().setSource('ws');
    await s.runView.getState().open('r1');
    await settle(20);
    expect(currentSummary(s.chain.getState(), 'r1')?.count).toBe(3);
    const getsBefore = client.callsOf('runs.get').length;
    const verifiesBefore = client.callsOf('ledger.verify').length;

    // Three seconds of a loop announcing a record and a state every 20 ms: 150 of each.
    for (let i = 0; i < 150; i++) {
      count++;
      client.emit('ledger.appended', { runId: 'r1', firstSeq: count - 1, lastSeq: count - 1, count: 1, entries: [entry(count - 1)] });
      client.emit('run.changed', runSummary('r1', { status: 'running', currentNode: 'loop', ledgerCount: count }));
      await settle(20);
    }
    const getsWhileMoving = client.callsOf('runs.get').length - getsBefore;
    const verifiesWhileMoving = client.callsOf('ledger.verify').length - verifiesBefore;
    expect(getsWhileMoving).toBeGreaterThan(0);
    expect(getsWhileMoving).toBeLessThanOrEqual(4);
    expect(verifiesWhileMoving).toBeLessThanOrEqual(3);

    // The drive stops: the last state shows, read once more, and the chain is verified once more.
    status = 'completed';
    count++;
    client.emit('ledger.appended', { runId: 'r1', firstSeq: count - 1, lastSeq: count - 1, count: 1, entries: [entry(count - 1)] });
    client.emit('run.changed', runSummary('r1', { status: 'completed', currentNode: 'finish', ledgerCount: count }));
    await settle(50);
    // Verified when it stopped, not a second later.
    expect(client.callsOf('ledger.verify').length).toBe(verifiesBefore + verifiesWhileMoving + 1);
    await settle(2000);
    expect(s.runView.getState().detail).toMatchObject({ status: 'completed', ledgerCount: count });
    expect(s.runView.getState().ledger.total).toBe(count);
    expect(currentSummary(s.chain.getState(), 'r1')?.count).toBe(count);
    await settle(3000);
    // A verdict over the whole run: nothing more to do.
    expect(client.callsOf('ledger.verify').length).toBe(verifiesBefore + verifiesWhileMoving + 1);
    off();
  });
});
