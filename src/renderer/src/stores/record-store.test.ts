import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../shared/contract';
import { FakeClient, flush } from '../test-support/fake-client';
import { ledgerRecord } from '../test-support/fixtures';
import { createRecordStore, recordFor } from './record-store';

describe('record store', () => {
  it('shows the newest selection only: a late answer for an earlier one is dropped', async () => {
    const answers = new Map<number, (v: ReturnType<typeof ledgerRecord>) => void>();
    const client = new FakeClient().on('ledger.record', ({ seq }) => new Promise((done) => answers.set(seq, done)));
    const store = createRecordStore(client, { delayMs: 0 });
    store.getState().show('r1', 1);
    await flush();
    store.getState().show('r1', 2);
    await flush();
    answers.get(2)!(ledgerRecord(2, { resultJson: '"two"' }));
    await flush();
    answers.get(1)!(ledgerRecord(1, { resultJson: '"one"' }));
    await flush();
    expect(store.getState()).toMatchObject({ seq: 2, status: 'ready', record: { seq: 2, resultJson: '"two"' } });
    expect(recordFor(store.getState(), 'r1', 1)).toBeNull();
  });

  it('reads the shown record again when its source changed, keeping the old one on screen until the new one is in', async () => {
    let text = '"Ada"';
    let answer: (() => void) | null = null;
    const client = new FakeClient().on('ledger.record', ({ seq }) => new Promise((done) => (answer = () => done(ledgerRecord(seq, { resultJson: text })))));
    const store = createRecordStore(client, { delayMs: 0 });
    store.getState().show('r1', 3);
    await flush();
    answer!();
    await flush();
    text = '"Eve"';
    store.getState().refresh();
    await flush();
    expect(store.getState().record?.resultJson).toBe('"Ada"');
    answer!();
    await flush();
    expect(store.getState()).toMatchObject({ status: 'ready', record: { resultJson: '"Eve"' } });
    expect(client.callsOf('ledger.record')).toEqual([{ runId: 'r1', seq: 3 }, { runId: 'r1', seq: 3 }]);
  });

  it('drops a record that is no longer in the ledger, saying so', async () => {
    let there = true;
    const client = new FakeClient().on('ledger.record', async ({ seq }) => {
      if (!there) throw new StudioError('NOT_FOUND', `there is no record ${seq}`);
      return ledgerRecord(seq);
    });
    const store = createRecordStore(client, { delayMs: 0 });
    store.getState().show('r1', 4);
    await flush();
    expect(store.getState().status).toBe('ready');
    there = false;
    store.getState().refresh();
    await flush();
    expect(store.getState()).toMatchObject({ status: 'gone', record: null, error: 'there is no record 4' });
  });

  it('forgets the record when nothing is selected', async () => {
    const client = new FakeClient().on('ledger.record', async ({ seq }) => ledgerRecord(seq));
    const store = createRecordStore(client, { delayMs: 0 });
    store.getState().show('r1', 0);
    store.getState().show(null, null);
    await flush();
    expect(store.getState()).toMatchObject({ status: 'idle', record: null });
    expect(client.callsOf('ledger.record')).toEqual([]);
  });
});
