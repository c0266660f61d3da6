import { describe, expect, it } from 'vitest';
import { type RunSummary } from '../../../shared/contract';
import { runAt } from '../lib/runs-pages';
import { FakeClient, flush } from '../test-support/fake-client';
import { runDetail, runSummary } from '../test-support/fixtures';
import { createRunsStore } from './runs-store';
import { createUiStore } from './ui-store';

/** A backend with `total` runs named run-<index>. */
function backend(total: number) {
  return new FakeClient().on('runs.query', (q) => {
    const offset = q.offset ?? 0;
    const n = Math.max(0, Math.min(q.limit ?? 200, total - offset));
    const items: RunSummary[] = Array.from({ length: n }, (_, i) => runSummary(`run-${offset + i}`));
    return { items, total, offset };
  });
}

describe('runs store', () => {
  it('loads the first page nested, and a far page only when scrolled to', async () => {
    const client = backend(100_000);
    const store = createRunsStore(client, createUiStore());
    store.getState().setFilters({});
    await flush();
    expect(store.getState().total).toBe(100_000);
    expect(client.callsOf('runs.query')).toEqual([expect.objectContaining({ offset: 0, limit: 200, topLevelOnly: true })]);
    store.getState().ensureRange(73_000, 73_040);
    await flush();
    expect(runAt(store.getState().pages, 73_010)?.runId).toBe('run-73010');
    expect(client.callsOf('runs.query')).toHaveLength(2);
  });

  it('searches flat (children included) and drops answers to an older query', async () => {
    let release: (() => void) | null = null;
    const client = new FakeClient().on('runs.query', async (q) => {
      if (q.text === 'slow') await new Promise<void>((r) => (release = r));
      return { items: [runSummary(`match-${q.text}`)], total: 1, offset: 0 };
    });
    const store = createRunsStore(client, createUiStore());
    store.getState().setFilters({ text: 'slow' });
    store.getState().setFilters({ text: 'fast' });
    await flush();
    release!();
    await flush();
    expect(runAt(store.getState().pages, 0)?.runId).toBe('match-fast');
    expect(client.callsOf('runs.query')[1]).toMatchObject({ text: 'fast', topLevelOnly: false });
  });

  it('updates a status badge live and refreshes when an unknown run appears', async () => {
    const client = backend(3);
    const store = createRunsStore(client, createUiStore(), { refreshDelayMs: 1 });
    store.getState().setFilters({});
    await flush();
    store.getState().applyRunChanged(runSummary('run-1', { status: 'waiting' }));
    expect(runAt(store.getState().pages, 1)?.status).toBe('waiting');
    store.getState().applyRunChanged(runSummary('brand-new'));
    await new Promise((r) => setTimeout(r, 10));
    await flush();
    expect(client.callsOf('runs.query').length).toBeGreaterThanOrEqual(2);
  });

  it('nests the children of an expanded parent', async () => {
    const client = new FakeClient().on('runs.query', () => ({ items: [runSummary('run-0', { childCount: 1 }), runSummary('run-1')], total: 2, offset: 0 })).on('runs.get', ({ runId }) =>
      runDetail(runId, { children: [{ runId: 'kid', workflowId: 'child_wf', status: 'completed' }] }),
    );
    const store = createRunsStore(client, createUiStore());
    store.getState().setFilters({});
    await flush();
    await store.getState().toggleExpanded('run-0', 0);
    expect(store.getState().expansions).toEqual([{ parentRunId: 'run-0', topIndex: 0, children: [{ runId: 'kid', workflowId: 'child_wf', status: 'completed' }] }]);
    await store.getState().toggleExpanded('run-0', 0);
    expect(store.getState().expansions).toEqual([]);
  });

  it('asks for forks nested, and lists a parent\'s forks under it when expanded', async () => {
    const client = new FakeClient()
      .on('runs.query', (q) =>
        q.forkOf
          ? { items: [runSummary('fork-a', { forkedFrom: { runId: q.forkOf, seq: 0, headHash: null, snapshotId: null } })], total: 1, offset: 0 }
          : { items: [runSummary('parent', { forkCount: 1 })], total: 1, offset: 0 },
      )
      .on('runs.get', ({ runId }) => runDetail(runId));
    const store = createRunsStore(client, createUiStore());
    store.getState().setFilters({});
    await flush();
    expect(client.callsOf('runs.query')[0]).toMatchObject({ topLevelOnly: true, nestForks: true, forkOf: null });
    await store.getState().toggleExpanded('parent', 0);
    // No child runs to ask for: only the forks are read.
    expect(client.callsOf('runs.get')).toHaveLength(0);
    expect(client.callsOf('runs.query')[1]).toMatchObject({ forkOf: 'parent', nestForks: false, archived: 'include' });
    expect(store.getState().expansions[0]!.children).toEqual([expect.objectContaining({ runId: 'fork-a', relation: 'fork', summary: expect.objectContaining({ runId: 'fork-a' }) })]);
    // `fork:<id>` is a flat list of that run's forks.
    store.getState().setFilterText('fork:parent');
    await flush();
    expect(client.callsOf('runs.query').at(-1)).toMatchObject({ forkOf: 'parent', topLevelOnly: false, nestForks: false });
  });

  it('reports a failed query with what to do', async () => {
    const ui = createUiStore();
    const store = createRunsStore(new FakeClient(), ui);
    store.getState().setFilters({});
    await flush();
    expect(store.getState().error).toMatch(/no answer for runs.query/);
    expect(ui.getState().toasts[0]).toMatchObject({ tone: 'error', title: 'Could not load the runs list', code: 'UNKNOWN_OPERATION' });
  });
});
