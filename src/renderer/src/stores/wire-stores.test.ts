import { describe, expect, it } from 'vitest';
import { entryAt } from '../lib/ledger-cache';
import { runAt } from '../lib/runs-pages';
import { FakeClient, flush } from '../test-support/fake-client';
import { chainSummary, entry, ledgerRecord, prompt, runDetail, runSummary } from '../test-support/fixtures';
import { createStudioStores } from './studio-stores';
import { currentSummary } from './chain-store';
import { wireStores } from './wire-stores';

/** A backend with one run `r1` of three records, as the stores would see it. */
function backend() {
  return new FakeClient()
    .on('runs.query', () => ({ items: [runSummary('r1')], total: 1, offset: 0 }))
    .on('runs.get', ({ runId }) => runDetail(runId, { ledgerCount: 3 }))
    .on('ledger.page', ({ runId }) => ({ runId, total: 3, fromSeq: 0, entries: [entry(0), entry(1), entry(2)] }))
    .on('ledger.verify', () => ({ jobId: 'j1' }))
    .on('ledger.diff', ({ runId, fromSeq, toSeq }) => ({ runId, fromSeq: fromSeq ?? 0, toSeq, changes: [] }))
    .on('ledger.record', ({ seq }) => ledgerRecord(seq))
    .on('prompts.list', () => [])
    .on('snapshots.list', () => [])
    .on('artifacts.list', () => []);
}

describe('wireStores', () => {
  it('sends a live run change to the list and the open run', async () => {
    const client = backend();
    const s = createStudioStores(client);
    const off = wireStores(s);
    s.runs.getState().setFilters({});
    await s.runView.getState().open('r1');
    await flush();
    client.emit('run.changed', runSummary('r1', { status: 'waiting', currentNode: 'ask' }));
    await flush();
    expect(runAt(s.runs.getState().pages, 0)?.status).toBe('waiting');
    expect(s.runView.getState().detail?.currentNode).toBe('ask');
    off();
  });

  it('verifies a small run when it opens and shows the result of the job', async () => {
    const client = backend();
    const s = createStudioStores(client);
    const off = wireStores(s);
    s.chain.getState().setSource('ws');
    await s.runView.getState().open('r1');
    await flush();
    expect(client.callsOf('ledger.verify')).toEqual([{ runId: 'r1' }]);
    client.emit('job.finished', { jobId: 'j1', kind: 'verify', done: 3, total: 3, finished: true, error: null, result: chainSummary({ runId: 'r1', count: 3, verifiedCount: 3 }) });
    expect(currentSummary(s.chain.getState(), 'r1')?.verifiedCount).toBe(3);
    off();
  });

  it('asks for the diff of a selected record, from the record before it', async () => {
    const client = backend();
    const s = createStudioStores(client);
    const off = wireStores(s);
    await s.runView.getState().open('r1');
    s.runView.getState().select(2);
    await new Promise((r) => setTimeout(r, 200));
    expect(client.callsOf('ledger.diff')).toEqual([{ runId: 'r1', fromSeq: 1, toSeq: 2 }]);
    expect(s.diff.getState().status).toBe('ready');
    off();
  });

  it('takes a burst of live updates as the screen can show them: every record at once, the newest state once, after its records', async () => {
    const client = backend();
    const s = createStudioStores(client);
    const off = wireStores(s);
    await s.runView.getState().open('r1');
    await flush();
    const seen: Array<[number, string | undefined]> = [];
    s.runView.subscribe((now) => seen.push([now.ledger.total, now.detail?.currentNode]));
    client.emit('run.changed', runSummary('r1', { status: 'running', currentNode: 'loop', ledgerCount: 4 }));
    client.emit('ledger.appended', { runId: 'r1', firstSeq: 3, lastSeq: 3, count: 1, entries: [entry(3)] });
    client.emit('ledger.appended', { runId: 'r1', firstSeq: 4, lastSeq: 5, count: 2, entries: [entry(5)] });
    client.emit('run.changed', runSummary('r1', { status: 'completed', currentNode: 'finish', ledgerCount: 6 }));
    await flush();
    expect(s.runView.getState().ledger.total).toBe(6);
    expect(s.runView.getState().detail).toMatchObject({ status: 'completed', currentNode: 'finish' });
    // The state the burst passed through is never shown, and the last one shows over all its records.
    expect(seen.some(([, node]) => node === 'loop')).toBe(false);
    expect(seen.find(([, node]) => node === 'finish')).toEqual([6, 'finish']);
    off();
  });

  it('uses an answer only after the live updates the backend sent before it: a grown ledger comes with its rows', async () => {
    let count = 3;
    const client = backend().on('runs.get', ({ runId }) => runDetail(runId, { ledgerCount: count }));
    const s = createStudioStores(client);
    const off = wireStores(s);
    await s.runView.getState().open('r1');
    await flush();
    const rowsWhenGrown: Array<boolean> = [];
    s.runView.subscribe((now, prev) => {
      if (now.detail?.ledgerCount === 6 && prev.detail?.ledgerCount !== 6) rowsWhenGrown.push(entryAt(now.ledger, 5) !== undefined);
    });
    count = 6;
    client.emit('ledger.appended', { runId: 'r1', firstSeq: 3, lastSeq: 5, count: 3, entries: [entry(3), entry(4), entry(5)] });
    await s.runView.getState().reloadDetail();
    expect(rowsWhenGrown).toEqual([true]);
    expect(client.callsOf('ledger.page')).toHaveLength(1); // the first page, when the run opened
    off();
  });

  it('reads the selected record again when its source changed behind the Studio', async () => {
    let name = 'Ada';
    const client = backend().on('ledger.record', ({ seq }) => ledgerRecord(seq, { resultJson: JSON.stringify({ name }) }));
    const s = createStudioStores(client);
    const off = wireStores(s);
    s.chain.getState().setSource('ws');
    await s.runView.getState().open('r1');
    s.runView.getState().select(1);
    await new Promise((r) => setTimeout(r, 150));
    expect(s.record.getState().record?.resultJson).toContain('Ada');
    name = 'Eve';
    client.emit('workspace.dataChanged', { sourceId: 'ws' });
    await flush();
    expect(s.record.getState().record?.resultJson).toContain('Eve');
    off();
  });

  it('keeps the inbox in step with prompts raised and answered elsewhere', () => {
    const client = backend();
    const s = createStudioStores(client);
    const off = wireStores(s);
    client.emit('prompt.pending', prompt('r1'));
    expect(s.prompts.getState().items).toHaveLength(1);
    client.emit('prompt.answered', { runId: 'r1', waitKey: 'user:r1:ask', actorId: 'someone' });
    expect(s.prompts.getState().items).toHaveLength(0);
    off();
  });

  it('re-reads the list, the inbox and the open run when another process changed the workspace', async () => {
    let elsewhere = false;
    const client = backend()
      .on('runs.query', () => ({ items: [runSummary('r1', { status: elsewhere ? 'completed' : 'waiting' })], total: 1, offset: 0 }))
      .on('runs.get', ({ runId }) => runDetail(runId, { ledgerCount: 3, status: elsewhere ? 'completed' : 'waiting', varsJson: elsewhere ? '{"done": true}' : '{}' }))
      .on('prompts.list', () => (elsewhere ? [] : [prompt('r1')]));
    const s = createStudioStores(client);
    const off = wireStores(s);
    s.chain.getState().setSource('ws');
    s.runs.getState().setFilters({});
    await s.prompts.getState().load();
    await s.runView.getState().open('r1');
    await flush();
    expect(s.prompts.getState().items).toHaveLength(1);
    // Another process answered the prompt and the run completed; this Studio saw no run event.
    elsewhere = true;
    client.emit('workspace.dataChanged', { sourceId: 'ws' });
    await flush(10);
    expect(s.prompts.getState().items).toEqual([]);
    expect(runAt(s.runs.getState().pages, 0)?.status).toBe('completed');
    expect(s.runView.getState().detail?.varsJson).toBe('{"done": true}');
    off();
  });

  it('keeps a run opened before the workspace info arrived (a reload, a deep link); a switch to another workspace closes it', async () => {
    const client = backend();
    const s = createStudioStores(client);
    const off = wireStores(s);
    const info = (id: string) => ({ id, name: id, path: `/w/${id}.sqlite`, kind: 'sqlite' as const, readOnly: false, workflowDirs: [], loadErrors: [] });
    // After a reload the route opens the run (or the user clicks it) before the workspace is known.
    await s.runView.getState().open('r1');
    await flush();
    s.workspace.setState({ workspace: info('ws') }); // what loading the workspace sets
    await flush();
    expect(s.runView.getState().runId).toBe('r1');
    expect(s.runView.getState().detail?.runId).toBe('r1');
    // Another workspace: what was shown belongs to the old one.
    s.workspace.setState({ workspace: info('other') });
    await flush();
    expect(s.runView.getState().runId).toBeNull();
    off();
  });

  it('stops listening when unwired', () => {
    const client = backend();
    const s = createStudioStores(client);
    wireStores(s)();
    client.emit('prompt.pending', prompt('r1'));
    expect(s.prompts.getState().items).toHaveLength(0);
  });
});
