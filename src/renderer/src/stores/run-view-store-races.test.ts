import { describe, expect, it } from 'vitest';
import { type LedgerPage, type RunDetail } from '../../../shared/contract';
import { entryAt } from '../lib/ledger-cache';
import { FakeClient, flush } from '../test-support/fake-client';
import { entry, runDetail, runSummary } from '../test-support/fixtures';
import { createRunViewStore } from './run-view-store';
import { createUiStore } from './ui-store';

/**
 * A backend whose `runs.get` answers wait until the test releases them, in any order: over HTTP
 * two reads of the same run can come back in either order, and a read can be overtaken by the
 * events of changes made after it.
 */
function heldBackend() {
  const held: Array<{ release(detail: RunDetail): void }> = [];
  const client = new FakeClient()
    .on('runs.get', () => new Promise<RunDetail>((resolve) => held.push({ release: resolve })))
    .on('runs.visits', () => null)
    .on('ledger.page', ({ runId }) => ({ runId, total: 0, fromSeq: 0, entries: [] }));
  return { client, held };
}

const withVars = (vars: string, over: Partial<RunDetail> = {}) => runDetail('r1', { varsJson: vars, ...over });

describe('run view store: answers and changes out of order', () => {
  it('keeps the newer detail when an older read of the same run answers last', async () => {
    const { client, held } = heldBackend();
    const store = createRunViewStore(client, createUiStore());
    const opened = store.getState().open('r1');
    held[0]!.release(withVars('{}'));
    await opened;
    const older = store.getState().reloadDetail();
    const newer = store.getState().reloadDetail();
    held[2]!.release(withVars('{"report": {"$artifact": "a1"}}', { status: 'waiting' }));
    await newer;
    held[1]!.release(withVars('{}', { status: 'running' }));
    await older;
    expect(store.getState().detail?.varsJson).toBe('{"report": {"$artifact": "a1"}}');
    expect(store.getState().detail?.status).toBe('waiting');
  });

  it('keeps the newer detail when the same run is opened twice and the first read answers last', async () => {
    const { client, held } = heldBackend();
    const store = createRunViewStore(client, createUiStore());
    const first = store.getState().open('r1');
    const second = store.getState().open('r1');
    held[1]!.release(withVars('{"step": 2}'));
    await second;
    held[0]!.release(withVars('{"step": 1}'));
    await first;
    expect(store.getState().detail?.varsJson).toBe('{"step": 2}');
  });

  it('reads the run again when it changed while it was being opened', async () => {
    const { client, held } = heldBackend();
    const store = createRunViewStore(client, createUiStore(), { detailDelayMs: 0 });
    const opened = store.getState().open('r1');
    // The run moves on after the server read it for this open, and says so before the answer lands.
    store.getState().applyRunChanged(runSummary('r1', { status: 'waiting', updatedAt: '2026-01-01T00:00:05Z' }));
    held[0]!.release(withVars('{}', { status: 'running' }));
    await opened;
    await flush();
    expect(held).toHaveLength(2);
    held[1]!.release(withVars('{"report": {"$artifact": "a1"}}', { status: 'waiting' }));
    await flush();
    expect(store.getState().detail?.varsJson).toBe('{"report": {"$artifact": "a1"}}');
  });

  it('lets a read in flight replace the answer of a command, since it may have been made after it', async () => {
    const { client, held } = heldBackend();
    const store = createRunViewStore(client, createUiStore());
    const opened = store.getState().open('r1');
    held[0]!.release(withVars('{}'));
    await opened;
    const reading = store.getState().reloadDetail();
    store.getState().applyDetail(withVars('{"step": 1}'));
    held[1]!.release(withVars('{"step": 2}'));
    await reading;
    expect(store.getState().detail?.varsJson).toBe('{"step": 2}');
  });

  it('drops a late answer about a run that is no longer open', async () => {
    const { client, held } = heldBackend();
    const store = createRunViewStore(client, createUiStore());
    const first = store.getState().open('r1');
    const second = store.getState().open('r2');
    held[1]!.release(runDetail('r2'));
    await second;
    held[0]!.release(runDetail('r1'));
    await first;
    expect(store.getState().detail?.runId).toBe('r2');
  });

  it('keeps records that arrived live while an older page of the ledger was in flight', async () => {
    const pages: Array<(page: LedgerPage) => void> = [];
    const client = new FakeClient()
      .on('runs.get', () => runDetail('r1', { ledgerCount: 600 }))
      .on('runs.visits', () => null)
      .on('ledger.page', () => new Promise<LedgerPage>((resolve) => pages.push(resolve)));
    const store = createRunViewStore(client, createUiStore());
    const opened = store.getState().open('r1');
    await flush();
    store.getState().applyLedgerAppended('r1', [600, 601, 602].map((seq) => entry(seq)));
    // The page was read when the run had 600 records; it answers after three more arrived.
    pages[0]!({ runId: 'r1', total: 600, fromSeq: 0, entries: Array.from({ length: 600 }, (_, seq) => entry(seq)) });
    await opened;
    expect(store.getState().ledger.total).toBe(603);
    expect(entryAt(store.getState().ledger, 602)?.seq).toBe(602);
  });
});
