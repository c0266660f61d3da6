import { describe, expect, it } from 'vitest';
import { type RunSummary } from '../../../shared/contract';
import { runAt } from '../lib/runs-pages';
import { FakeClient, flush } from '../test-support/fake-client';
import { runSummary } from '../test-support/fixtures';
import { createRunsStore } from './runs-store';
import { createUiStore } from './ui-store';

const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-01-01T00:00:01Z';
const T2 = '2026-01-01T00:00:02Z';

/**
 * A backend of runs whose `runs.query` answers wait until the test releases them, so a change
 * (a scheduler wake-up, another process) can be announced between the read and its answer.
 */
function heldList() {
  const held: Array<(items: RunSummary[]) => void> = [];
  const client = new FakeClient().on('runs.query', () =>
    new Promise<RunSummary[]>((resolve) => held.push(resolve)).then((items) => ({ items, total: items.length, offset: 0 })),
  );
  const store = createRunsStore(client, createUiStore(), { refreshDelayMs: 0 });
  return { client, store, held };
}

describe('runs store: run cards never outlive their run', () => {
  it('keeps a change announced while the list was loading, rather than the older row the load read', async () => {
    const { store, held } = heldList();
    store.getState().setFilters({});
    store.getState().applyRunChanged(runSummary('run-1', { status: 'completed', updatedAt: T1 }));
    held[0]!([runSummary('run-0', { updatedAt: T0 }), runSummary('run-1', { status: 'running', updatedAt: T0 })]);
    await flush();
    expect(runAt(store.getState().pages, 1)?.status).toBe('completed');
  });

  it('does not turn a card back with an event older than what it shows', async () => {
    const { store, held } = heldList();
    store.getState().setFilters({});
    held[0]!([runSummary('run-1', { status: 'completed', updatedAt: T2 })]);
    await flush();
    store.getState().applyRunChanged(runSummary('run-1', { status: 'running', updatedAt: T1 }));
    expect(runAt(store.getState().pages, 0)?.status).toBe('completed');
  });

  it('reloads a filtered list when a run on it stops matching the filter', async () => {
    const { client, store, held } = heldList();
    store.getState().setFilters({ status: 'waiting' });
    held[0]!([runSummary('run-1', { status: 'waiting', waitReason: 'until', updatedAt: T0 })]);
    await flush();
    // The scheduler fired its timer: the run is running again and no longer belongs here.
    store.getState().applyRunChanged(runSummary('run-1', { status: 'running', updatedAt: T1 }));
    await flush();
    expect(client.callsOf('runs.query')).toHaveLength(2);
    held[1]!([]);
    await flush();
    expect(store.getState().total).toBe(0);
    expect(runAt(store.getState().pages, 0)).toBeUndefined();
  });
});
