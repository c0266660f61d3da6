/**
 * Bulk cancel / retry / archive / delete through the real web host: every run is tried and
 * reported on its own (a finished run in a bulk cancel fails alone, with a stable code), a delete
 * leaves a tombstone the runs list shows, and a deep link to a deleted run says who deleted it.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, untilStatus, type Harness } from '../../testing/studio-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  const path = join(h.dir, 'bulk.studio.sqlite');
  await h.call('workspace.create', { path });
  await h.waitForEvent('workspace.changed', (w) => w?.path === path);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const start = async (workflowId: string, paused = false) => (await h.call('runs.start', { workflowId, varsJson: null, pausedAtEntry: paused })).runId;

describe('bulk actions on runs', () => {
  it('a bulk cancel where one run already finished cancels the others and says which one and why', async () => {
    const done = await start('hello_world');
    await untilStatus(h, done, 'completed');
    const waiting = await start('ask_user_demo');
    await untilStatus(h, waiting, 'waiting');
    const results = await h.call('runs.bulk', { action: 'cancel', runIds: [done, waiting] });
    expect(results).toEqual([
      { runId: done, ok: false, action: 'cancel', code: 'RUN_FINISHED', message: `Run ${done} already completed: there is nothing to cancel.` },
      expect.objectContaining({ runId: waiting, ok: true, summary: expect.objectContaining({ status: 'cancelled' }) }),
    ]);
  });

  it('retry makes a new run from the start of a cancelled run, linked as its fork; a completed run is refused', async () => {
    const waiting = await start('ask_user_demo');
    await untilStatus(h, waiting, 'waiting');
    await h.call('runs.cancel', { runId: waiting });
    const done = await start('hello_world');
    await untilStatus(h, done, 'completed');
    const [retried, refused] = await h.call('runs.bulk', { action: 'retry', runIds: [waiting, done] });
    expect(refused).toMatchObject({ ok: false, code: 'RUN_FINISHED' });
    if (!retried?.ok || !retried.newRunId) throw new Error(`retry failed: ${JSON.stringify(retried)}`);
    const again = await untilStatus(h, retried.newRunId, 'waiting');
    expect(again.forkedFrom).toMatchObject({ runId: waiting, seq: -1 });
  });

  it('archive hides a finished run from the default list and archived:only shows it; a running run is not archived', async () => {
    const done = await start('hello_world');
    await untilStatus(h, done, 'completed');
    const going = await start('ask_user_demo', true);
    const results = await h.call('runs.bulk', { action: 'archive', runIds: [done, going] });
    expect(results.map((r) => [r.runId, r.ok, r.ok ? null : r.code])).toEqual([[done, true, null], [going, false, 'RUN_NOT_FINISHED']]);
    const list = await h.call('runs.query', { limit: 1000 });
    expect(list.items.map((r) => r.runId)).not.toContain(done);
    const archived = await h.call('runs.query', { archived: 'only', limit: 1000 });
    expect(archived.items.find((r) => r.runId === done)?.archived).toMatchObject({ by: expect.any(String) });
  });

  it('delete refuses a waiting run, deletes a finished one, and leaves a tombstone in the list and for a deep link', async () => {
    const done = await start('hello_world');
    const finished = await untilStatus(h, done, 'completed');
    const waiting = await start('ask_user_demo');
    await untilStatus(h, waiting, 'waiting');
    const [refused, deleted] = await h.call('runs.bulk', { action: 'delete', runIds: [waiting, done] });
    expect(refused).toMatchObject({ ok: false, code: 'RUN_NOT_DELETABLE', message: expect.stringContaining('it is waiting. Cancel it first') });
    expect(deleted).toMatchObject({ ok: true, summary: { runId: done, deleted: { recordCount: finished.ledgerCount, headHash: finished.ledgerHead } } });
    const list = await h.call('runs.query', { deleted: 'include', limit: 1000 });
    expect(list.items.find((r) => r.runId === done)?.deleted).toMatchObject({ headHash: finished.ledgerHead });
    await expect(h.call('runs.get', { runId: done })).rejects.toMatchObject({ code: 'RUN_DELETED', message: expect.stringContaining(`Run ${done} (hello_world) was deleted by`) });
    // Still listed as deleted; its records are gone.
    await expect(h.call('ledger.page', { runId: done })).rejects.toMatchObject({ code: 'RUN_DELETED' });
  });
});
