import { describe, expect, it } from 'vitest';
import { type JobProgress, StudioError } from '../../../shared/contract';
import { FakeClient } from '../test-support/fake-client';
import { chainSummary, prompt, runDetail } from '../test-support/fixtures';
import { createArtifactsStore } from './artifacts-store';
import { createChainStore, currentSummary, latestJobOf } from './chain-store';
import { createPromptsStore, keepLivePrompts, removePrompt, upsertPrompt } from './prompts-store';
import { createSnapshotsStore, parseTags } from './snapshots-store';
import { createUiStore } from './ui-store';
import { createWorkspaceStore } from './workspace-store';

const job = (over: Partial<JobProgress> = {}): JobProgress => ({ jobId: 'j1', kind: 'verify', done: 0, total: 10, finished: false, error: null, ...over });

describe('chain store', () => {
  it('shows progress from events and keeps the summary of a finished verification', async () => {
    const client = new FakeClient().on('ledger.verify', () => ({ jobId: 'j1' }));
    const store = createChainStore(client, createUiStore(), { pollMs: 60_000 });
    store.getState().setSource('ws');
    await store.getState().verify('r1');
    await store.getState().verify('r1');
    expect(client.callsOf('ledger.verify')).toHaveLength(1);
    store.getState().applyProgress(job({ done: 4 }));
    expect(latestJobOf(store.getState(), 'r1')?.progress.done).toBe(4);
    store.getState().applyFinished(job({ done: 10, finished: true }), chainSummary({ runId: 'r1', count: 10, verifiedCount: 10 }));
    expect(currentSummary(store.getState(), 'r1')?.verifiedCount).toBe(10);
    expect(latestJobOf(store.getState(), 'r1')?.progress.finished).toBe(true);
    // A late progress event must not reopen a finished job.
    store.getState().applyProgress(job({ done: 5 }));
    expect(latestJobOf(store.getState(), 'r1')?.progress.finished).toBe(true);
  });

  it('finishes by polling when the finished event is missed', async () => {
    const client = new FakeClient()
      .on('ledger.verify', () => ({ jobId: 'j1' }))
      .on('jobs.get', () => ({ ...job({ done: 10, finished: true }), result: chainSummary({ runId: 'r1' }) }));
    const store = createChainStore(client, createUiStore(), { pollMs: 1 });
    store.getState().setSource('ws');
    await store.getState().verify('r1');
    await new Promise((r) => setTimeout(r, 20));
    expect(currentSummary(store.getState(), 'r1')).toBeDefined();
  });
});

describe('chain verdicts belong to what was checked', () => {
  it('never shows a verdict of another source for a run with the same id', async () => {
    const client = new FakeClient().on('ledger.verify', () => ({ jobId: 'j1' }));
    const store = createChainStore(client, createUiStore(), { pollMs: 60_000 });
    store.getState().setSource('workspace.sqlite');
    await store.getState().verify('r1');
    store.getState().applyFinished(job({ done: 10, finished: true }), chainSummary({ runId: 'r1', sourceId: 'workspace.sqlite', count: 10, verifiedCount: 10 }));
    expect(currentSummary(store.getState(), 'r1')?.ok).toBe(true);
    store.getState().setSource('r1.arbundle.jsonl');
    expect(currentSummary(store.getState(), 'r1')).toBeNull();
    expect(latestJobOf(store.getState(), 'r1')).toBeNull();
  });

  it('drops the verdicts of a source whose data changed, and ignores a result read before the change', async () => {
    let n = 0;
    const client = new FakeClient().on('ledger.verify', () => ({ jobId: `j${++n}` }));
    const store = createChainStore(client, createUiStore(), { pollMs: 60_000 });
    store.getState().setSource('ws');
    await store.getState().verify('r1');
    store.getState().applyFinished(job({ jobId: 'j1', finished: true }), chainSummary({ runId: 'r1', count: 10, verifiedCount: 10 }));
    await store.getState().verify('r1');
    store.getState().invalidateSource('ws');
    expect(currentSummary(store.getState(), 'r1')).toBeNull();
    // j2 read the old rows: its green verdict must not come back.
    store.getState().applyFinished(job({ jobId: 'j2', finished: true }), chainSummary({ runId: 'r1', count: 10, verifiedCount: 10 }));
    expect(currentSummary(store.getState(), 'r1')).toBeNull();
    // A verification asked for after the change is not taken for a repeat of the disowned one.
    await store.getState().verify('r1');
    expect(client.callsOf('ledger.verify')).toHaveLength(3);
    store.getState().applyFinished(job({ jobId: 'j3', finished: true }), chainSummary({ runId: 'r1', ok: false, count: 10, verifiedCount: 9, firstBadSeq: 4 }));
    expect(currentSummary(store.getState(), 'r1')?.firstBadSeq).toBe(4);
  });

  it('shows the verdict of a job the backend shared after the change: it read the data as it is now', async () => {
    // The backend answers a request for the same data with the job already running on it.
    const client = new FakeClient().on('ledger.verify', () => ({ jobId: 'j1' }));
    const store = createChainStore(client, createUiStore(), { pollMs: 60_000 });
    store.getState().setSource('ws');
    await store.getState().verify('r1'); // asked right after a write behind the Studio, before its event
    store.getState().invalidateSource('ws');
    await store.getState().verify('r1'); // the re-verification the change asks for: the same job
    store.getState().applyFinished(job({ jobId: 'j1', finished: true }), chainSummary({ runId: 'r1', ok: false, count: 10, verifiedCount: 9, firstBadSeq: 5 }));
    expect(currentSummary(store.getState(), 'r1')?.firstBadSeq).toBe(5);
  });
});

describe('prompts store', () => {
  it('drops the prompts of a run that stopped waiting by itself (a timer fired, a child finished)', () => {
    const since = '2026-01-01T00:00:05+00:00';
    const later = '2026-01-01T00:00:08+00:00';
    const timer = prompt('a', { kind: 'timer', reason: 'until', waitKey: null, since });
    const other = prompt('b');
    expect(keepLivePrompts([timer, other], { runId: 'a', status: 'completed', waitReason: null, updatedAt: later })).toEqual([other]);
    expect(keepLivePrompts([timer, other], { runId: 'a', status: 'running', waitReason: null, updatedAt: later })).toEqual([other]);
    expect(keepLivePrompts([timer, other], { runId: 'a', status: 'waiting', waitReason: 'user', updatedAt: later })).toEqual([other]);
    const same = [timer, other];
    expect(keepLivePrompts(same, { runId: 'a', status: 'waiting', waitReason: 'until', updatedAt: since })).toBe(same);
    // The state saved before the wait, arriving late, does not take the prompt away.
    expect(keepLivePrompts(same, { runId: 'a', status: 'running', waitReason: null, updatedAt: '2026-01-01T00:00:01+00:00' })).toBe(same);
  });

  it('orders prompts oldest first and replaces one for the same wait', () => {
    const a = prompt('a', { since: '2026-01-02T00:00:00Z' });
    const b = prompt('b', { since: '2026-01-01T00:00:00Z' });
    const items = upsertPrompt(upsertPrompt([], a), b);
    expect(items.map((p) => p.runId)).toEqual(['b', 'a']);
    expect(upsertPrompt(items, { ...a, prompt: 'changed' }).find((p) => p.runId === 'a')?.prompt).toBe('changed');
    expect(removePrompt(items, 'a', null).map((p) => p.runId)).toEqual(['b']);
  });

  it('answers an ask_user prompt and takes it out of the inbox', async () => {
    const client = new FakeClient().on('prompts.list', () => [prompt('r1')]).on('prompts.answer', ({ runId }) => runDetail(runId, { status: 'completed' }));
    const store = createPromptsStore(client, createUiStore());
    await store.getState().load();
    const detail = await store.getState().answer(store.getState().items[0]!, '{"response": "green"}');
    expect(detail?.status).toBe('completed');
    expect(client.callsOf('prompts.answer')).toEqual([{ runId: 'r1', waitKey: 'user:r1:ask', payloadJson: '{"response": "green"}' }]);
    expect(store.getState().items).toEqual([]);
  });

  it('keeps the card and explains a refused answer', async () => {
    const ui = createUiStore();
    const client = new FakeClient().on('prompts.list', () => [prompt('r1')]);
    const store = createPromptsStore(client, ui);
    await store.getState().load();
    expect(await store.getState().answer(store.getState().items[0]!, '{}')).toBeNull();
    expect(store.getState().items).toHaveLength(1);
    expect(store.getState().answering).toEqual([]);
    expect(ui.getState().toasts[0]?.title).toBe('Could not answer run r1');
  });

  it('takes the card out and says who won when someone else answered first', async () => {
    const ui = createUiStore();
    const won = 'Run r1 was already answered by Ada (human) at 14:02:11 UTC; your answer was not applied. It is now running at node `greet`.';
    const client = new FakeClient().on('prompts.list', () => [prompt('r1')]).on('prompts.answer', () => {
      throw new StudioError('RUN_NOT_WAITING', won);
    });
    const store = createPromptsStore(client, ui);
    await store.getState().load();
    expect(await store.getState().answer(store.getState().items[0]!, '{"response": "Bo"}')).toBeNull();
    expect(store.getState().items).toEqual([]);
    expect(ui.getState().toasts[0]).toMatchObject({ title: 'Could not answer run r1', message: won, code: 'RUN_NOT_WAITING' });
  });
});

describe('snapshots store', () => {
  it('cleans tags typed as text', () => {
    expect(parseTags(' good, , before-fix,good ')).toEqual(['good', 'before-fix']);
  });

  it('confirms a restore with the diff first, then restores', async () => {
    const snap = { snapshotId: 's1', runId: 'r1', stepId: null, name: 'before', description: null, tags: [], createdAt: '', updatedAt: '', currentNode: 'ask', status: 'waiting' as const };
    const client = new FakeClient()
      .on('snapshots.list', () => [snap])
      .on('snapshots.previewRestore', () => ({ snapshot: snap, changes: [{ path: ['vars', 'x'], kind: 'changed' as const, beforeJson: '1', afterJson: '2' }] }))
      .on('snapshots.restore', () => runDetail('r1', { currentNode: 'ask' }));
    const store = createSnapshotsStore(client, createUiStore());
    await store.getState().askRestore('s1');
    expect(store.getState().confirmation).toMatchObject({ status: 'ready', preview: { changes: [{ path: ['vars', 'x'] }] } });
    expect(client.callsOf('snapshots.restore')).toHaveLength(0);
    const detail = await store.getState().confirmRestore();
    expect(detail?.currentNode).toBe('ask');
    expect(store.getState().confirmation).toBeNull();
  });
});

describe('artifacts store', () => {
  it('loads an image in chunks until its end', async () => {
    const bytes = new Uint8Array(150 * 1024).map((_, i) => i % 251);
    const client = new FakeClient()
      .on('artifacts.list', () => [{ artifactId: 'img', contentType: 'image/png', sizeBytes: bytes.length, createdAt: '', runId: 'r1', tags: {} }])
      .on('artifacts.read', ({ offset = 0, length = 65536 }) => {
        const part = bytes.subarray(offset, offset + length);
        let bin = '';
        part.forEach((b) => (bin += String.fromCharCode(b)));
        return { artifactId: 'img', contentType: 'image/png', sizeBytes: bytes.length, offset, base64: btoa(bin), eof: offset + part.length >= bytes.length };
      });
    const store = createArtifactsStore(client, createUiStore());
    await store.getState().load('r1');
    await store.getState().openPreview('img');
    const p = store.getState().preview!;
    expect(p.kind).toBe('image');
    expect(p.eof).toBe(true);
    expect(p.loadedBytes).toBe(bytes.length);
    expect(p.chunks).toHaveLength(3);
    expect(p.loading).toBe(false);
  });

  it('reads only the first chunk of a binary artifact', async () => {
    const client = new FakeClient().on('artifacts.read', ({ offset = 0 }) => ({
      artifactId: 'bin', contentType: 'application/octet-stream', sizeBytes: 10_000_000, offset, base64: btoa('\u0000\u0001'.repeat(100)), eof: false,
    }));
    const store = createArtifactsStore(client, createUiStore());
    await store.getState().openPreview('bin');
    expect(store.getState().preview?.kind).toBe('binary');
    expect(client.callsOf('artifacts.read').length).toBeLessThanOrEqual(2);
  });
});

describe('ui store', () => {
  it('shows a long operation while it runs and removes it after a failure', async () => {
    const ui = createUiStore();
    let fail: ((e: Error) => void) | null = null;
    const work = ui.getState().track('Verifying', new Promise((_, reject) => (fail = reject)));
    expect(ui.getState().busy.map((b) => b.label)).toEqual(['Verifying']);
    fail!(new Error('x'));
    await expect(work).rejects.toThrow('x');
    expect(ui.getState().busy).toEqual([]);
  });

  it('keeps the last few toasts', () => {
    const ui = createUiStore();
    for (let i = 0; i < 6; i++) ui.getState().notify({ tone: 'info', title: `t${i}`, message: '' });
    expect(ui.getState().toasts.map((t) => t.title)).toEqual(['t2', 't3', 't4', 't5']);
  });
});


describe('workspace store: open', () => {
  it('takes down a failed open\'s toast once the next open succeeds, and keeps the others', async () => {
    let fail = true;
    const info = { id: 'postgres://u@h/db?schema=s', name: 's on h/db', path: 'postgres://u@h/db?schema=s', kind: 'postgres' as const, readOnly: false, workflowDirs: [], loadErrors: [] };
    const client = new FakeClient()
      .on('workspace.open', () => {
        if (fail) throw new StudioError('STORE_ERROR', 'password authentication failed for user "u"');
        return info;
      })
      .on('workspace.current', () => info)
      .on('scheduler.status', () => null as never)
      .on('workflows.list', () => [])
      .on('workspace.actors', () => []);
    const ui = createUiStore();
    const ws = createWorkspaceStore(client, ui);
    ui.getState().notify({ tone: 'info', title: 'unrelated', message: 'stays' });
    expect(await ws.getState().openWorkspace('postgres://u:secret@h/db?schema=s')).toBe(false);
    expect(ui.getState().toasts.map((t) => t.title)).toEqual(['unrelated', 'Could not open postgres://u:***@h/db?schema=s']);
    fail = false;
    expect(await ws.getState().openWorkspace('postgres://u@h/db?schema=s')).toBe(true);
    expect(ui.getState().toasts.map((t) => t.title)).toEqual(['unrelated']);
  });
});
